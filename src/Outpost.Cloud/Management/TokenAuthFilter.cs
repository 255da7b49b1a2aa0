namespace Outpost.Cloud.Management;

/// <summary>
/// Checks <c>Authorization: Bearer &lt;token&gt;</c> on management endpoints: 401 without a valid token, 403 when
/// the token's role is below what the endpoint needs.
/// </summary>
internal sealed class TokenAuthFilter(TokenRole required) : IEndpointFilter
{
    public const string CallerItem = "outpost.caller";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        ApiToken? token = null;
        if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            var store = http.RequestServices.GetRequiredService<ITokenStore>();
            token = await store.FindByHashAsync(TokenSecret.Hash(header[Scheme.Length..].Trim()), http.RequestAborted);
        }

        if (token is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Unauthorized();
        }

        if (token.Role < required)
        {
            return Problems.Forbidden(required);
        }

        http.Items[CallerItem] = token;
        return await next(context);
    }
}
