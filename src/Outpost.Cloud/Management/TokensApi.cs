using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Registry;

namespace Outpost.Cloud.Management;

/// <summary>Management tokens: create (the secret is shown once), list, revoke. Admin only.</summary>
internal static class TokensApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("Tokens");
        tokens.MapPost("/", CreateAsync).WithName("CreateToken").Produces<CreatedTokenDto>(201).WithSummary("Create a token with role admin, operator or viewer").Require(TokenRole.Admin);
        tokens.MapGet("/", ListAsync).WithName("ListTokens").Produces<List<TokenDto>>().WithSummary("List tokens (never their secrets)").Require(TokenRole.Admin);
        tokens.MapDelete("/{id}", RevokeAsync).WithName("RevokeToken").Produces(204).WithSummary("Revoke a token").Require(TokenRole.Admin);
    }

    private static async Task<IResult> CreateAsync(CreateTokenRequest? body, ITokenStore store, TimeProvider clock, CancellationToken ct)
    {
        if (body is null || !Identifiers.IsDisplayName(body.Name))
        {
            return Problems.BadRequest("give the token a name (1-100 characters on one line)");
        }

        if (!Enum.TryParse<TokenRole>(body.Role ?? "viewer", ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(body.Role, out _))
        {
            return Problems.BadRequest($"role must be admin, operator or viewer, not '{body.Role}'");
        }

        var secret = TokenSecret.New();
        var token = new ApiToken(TokenSecret.NewId(), body.Name.Trim(), role, clock.GetUtcNow(), null);
        await store.AddAsync(token, TokenSecret.Hash(secret), ct);
        return Results.Created($"/api/v1/tokens/{token.Id}", new CreatedTokenDto(token.Id, token.Name, role.ToString().ToLowerInvariant(), secret));
    }

    private static async Task<IResult> ListAsync(ITokenStore store, CancellationToken ct) =>
        Results.Ok((await store.ListAsync(ct)).Select(t => t.ToDto()).ToList());

    private static async Task<IResult> RevokeAsync(string id, ITokenStore store, TimeProvider clock, CancellationToken ct)
    {
        // Without an admin token nobody can manage tokens or delete products any more, until a restart with a new
        // OUTPOST_ADMIN_TOKEN: revoking the last one is refused rather than locking everyone out. The store checks
        // and revokes in one step, so concurrent revokes of every admin token still leave one.
        return await store.RevokeAsync(id, clock.GetUtcNow(), ct) switch
        {
            TokenRevocation.Revoked => Results.NoContent(),
            TokenRevocation.LastAdmin => Problems.Conflict($"{id} is the last admin token: create another admin token first (outpost token create NAME --role admin)"),
            _ => Problems.NotFound($"no active token {id}"),
        };
    }
}
