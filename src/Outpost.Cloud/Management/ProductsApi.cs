using System.Security.Cryptography;
using Outpost.Cloud.Content;
using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Registry;
using Outpost.Cloud.Rules;

namespace Outpost.Cloud.Management;

/// <summary>Products and their aliases: create (optionally from the <c>gateway</c> template), list, show, change, clone, delete.</summary>
internal static class ProductsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var products = api.MapGroup("/products").WithTags("Products");
        products.MapPost("/", CreateAsync).WithName("CreateProduct").Produces<ProductDto>(201).WithSummary("Create a product").Require(TokenRole.Operator);
        products.MapGet("/", ListAsync).WithName("ListProducts").Produces<List<ProductDto>>().WithSummary("List products").Require(TokenRole.Viewer);
        products.MapGet("/{pid}", GetAsync).WithName("GetProduct").Produces<ProductDto>().WithSummary("Show a product").Require(TokenRole.Viewer);
        products.MapPatch("/{pid}", UpdateAsync).WithName("UpdateProduct").Produces<ProductDto>().WithSummary("Change a product's name, provisioning or write limit").Require(TokenRole.Operator);
        products.MapDelete("/{pid}", DeleteAsync).WithName("DeleteProduct").Produces(204).WithSummary("Delete a product with its devices, values and content").Require(TokenRole.Admin);
        products.MapPost("/{pid}/clone", CloneAsync).WithName("CloneProduct").Produces<ProductDto>(201).WithSummary("Copy a product's aliases, settings and content into a new product").Require(TokenRole.Operator);
        products.MapGet("/{pid}/aliases", ListAliasesAsync).WithName("ListAliases").Produces<List<ResourceDto>>().WithSummary("List a product's aliases").Require(TokenRole.Viewer);
        products.MapPost("/{pid}/aliases", AddAliasAsync).WithName("AddAlias").Produces<ResourceDto>(201).WithSummary("Add an alias").Require(TokenRole.Operator);
        products.MapDelete("/{pid}/aliases/{alias}", RemoveAliasAsync).WithName("RemoveAlias").Produces(204).WithSummary("Remove an alias (refused while an enabled rule uses it, and while values exist unless purge=true)").Require(TokenRole.Operator);
    }

    /// <summary>The problem <c>code</c> of "alias has values": retrying with <c>purge=true</c> removes it.</summary>
    public const string AliasHasValues = "alias_has_values";

    private const string NameRule = "name must be 1-100 characters on one line (no control characters)";

    public static RouteHandlerBuilder Require(this RouteHandlerBuilder builder, TokenRole role) =>
        builder.AddEndpointFilter(new TokenAuthFilter(role)).ProducesProblem(401).ProducesProblem(403);

    private static async Task<IResult> CreateAsync(CreateProductRequest? body, IRegistryStore registry, TimeProvider clock, CancellationToken ct)
    {
        if (body is null || string.IsNullOrWhiteSpace(body.Name))
        {
            return Problems.BadRequest("give the product a name: {\"name\": \"...\"}");
        }

        if (!Identifiers.IsDisplayName(body.Name))
        {
            return Problems.BadRequest(NameRule);
        }

        var id = body.Id ?? NewProductId();
        if (!Identifiers.IsProductId(id))
        {
            return Problems.BadRequest($"product id '{id}' must be 6-32 lowercase letters and digits");
        }

        if (!RegistryText.TryProvisioning(body.Provisioning ?? RegistryText.Of(ProvisioningMode.Allowlist), out var provisioning))
        {
            return Problems.BadRequest($"provisioning must be allowlist or open, not '{body.Provisioning}'");
        }

        if (!TryWriteLimit(body.WriteLimit, out var limit, out var limitError))
        {
            return Problems.BadRequest(limitError);
        }

        IReadOnlyList<Resource> resources;
        switch (body.Template)
        {
            case null or "" or "empty":
                resources = [];
                break;
            case "gateway":
                resources = ProductTemplates.Gateway;
                break;
            default:
                return Problems.BadRequest($"unknown template '{body.Template}': use gateway or empty");
        }

        var product = new Product(id, body.Name.Trim(), provisioning, limit, null, clock.GetUtcNow(), resources);
        if (!await registry.CreateProductAsync(product, ct))
        {
            return Problems.Conflict($"product {id} already exists");
        }

        return Results.Created($"/api/v1/products/{id}", (await registry.GetProductAsync(id, ct))!.ToDto(0));
    }

    private static async Task<IResult> ListAsync(IRegistryStore registry, CancellationToken ct)
    {
        var products = await registry.ListProductsAsync(ct);
        var result = new List<ProductDto>(products.Count);
        foreach (var p in products)
        {
            result.Add(p.ToDto(await registry.CountDevicesAsync(p.Id, ct)));
        }

        return Results.Ok(result);
    }

    private static async Task<IResult> GetAsync(string pid, IRegistryStore registry, CancellationToken ct)
    {
        var product = await registry.GetProductAsync(pid, ct);
        return product is null ? Problems.NotFound($"no product {pid}") : Results.Ok(product.ToDto(await registry.CountDevicesAsync(pid, ct)));
    }

    private static async Task<IResult> UpdateAsync(string pid, UpdateProductRequest? body, IRegistryStore registry, CancellationToken ct)
    {
        var product = await registry.GetProductAsync(pid, ct);
        if (product is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        if (body is null)
        {
            return Problems.BadRequest("send the fields to change: name, provisioning, write_limit");
        }

        if (!RegistryText.TryProvisioning(body.Provisioning ?? RegistryText.Of(product.Provisioning), out var provisioning))
        {
            return Problems.BadRequest($"provisioning must be allowlist or open, not '{body.Provisioning}'");
        }

        var limit = product.WriteLimit;
        if (body.WriteLimit is not null && !TryWriteLimit(body.WriteLimit, out limit, out var limitError))
        {
            return Problems.BadRequest(limitError);
        }

        if (body.Name is not null && string.IsNullOrWhiteSpace(body.Name))
        {
            return Problems.BadRequest("name must not be empty");
        }

        if (body.Name is not null && !Identifiers.IsDisplayName(body.Name))
        {
            return Problems.BadRequest(NameRule);
        }

        var changed = product with { Name = body.Name?.Trim() ?? product.Name, Provisioning = provisioning, WriteLimit = limit };
        await registry.UpdateProductAsync(changed, ct);
        return Results.Ok((await registry.GetProductAsync(pid, ct))!.ToDto(await registry.CountDevicesAsync(pid, ct)));
    }

    private static async Task<IResult> DeleteAsync(string pid, IRegistryStore registry, ContentStore content, CancellationToken ct)
    {
        if (!await registry.DeleteProductAsync(pid, ct))
        {
            return Problems.NotFound($"no product {pid}");
        }

        content.DeleteProductFiles(pid);
        return Results.NoContent();
    }

    private static async Task<IResult> CloneAsync(string pid, CloneProductRequest? body, IRegistryStore registry, ContentStore content, TimeProvider clock, CancellationToken ct)
    {
        var source = await registry.GetProductAsync(pid, ct);
        if (source is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        var id = body?.Id ?? NewProductId();
        if (!Identifiers.IsProductId(id))
        {
            return Problems.BadRequest($"product id '{id}' must be 6-32 lowercase letters and digits");
        }

        if (!string.IsNullOrWhiteSpace(body?.Name) && !Identifiers.IsDisplayName(body.Name))
        {
            return Problems.BadRequest(NameRule);
        }

        if (body?.StagingOf is { } stagingOf && await registry.GetProductAsync(stagingOf, ct) is null)
        {
            return Problems.BadRequest($"staging_of names no product: {stagingOf}");
        }

        var copy = source with
        {
            Id = id,
            Name = string.IsNullOrWhiteSpace(body?.Name) ? source.Name + " (copy)" : body.Name.Trim(),
            StagingOf = body?.StagingOf,
            Created = clock.GetUtcNow(),
        };
        if (!await registry.CreateProductAsync(copy, ct))
        {
            return Problems.Conflict($"product {id} already exists");
        }

        await content.CopyAllAsync(pid, id, ct);
        return Results.Created($"/api/v1/products/{id}", (await registry.GetProductAsync(id, ct))!.ToDto(0));
    }

    private static async Task<IResult> ListAliasesAsync(string pid, IRegistryStore registry, CancellationToken ct)
    {
        var product = await registry.GetProductAsync(pid, ct);
        return product is null ? Problems.NotFound($"no product {pid}") : Results.Ok(product.ToDto().Resources);
    }

    private static async Task<IResult> AddAliasAsync(string pid, ResourceDto? body, IRegistryStore registry, CancellationToken ct)
    {
        if (await registry.GetProductAsync(pid, ct) is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        if (body is null || !Identifiers.IsAlias(body.Alias))
        {
            return Problems.BadRequest("alias must be 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit");
        }

        if (!RegistryText.TryFormat(body.Format ?? "string", out var format))
        {
            return Problems.BadRequest($"format must be string, json or number, not '{body.Format}'");
        }

        if (!await registry.AddResourceAsync(pid, new Resource(body.Alias, format, body.Settable), ct))
        {
            return Problems.Conflict($"alias {body.Alias} already exists in product {pid}");
        }

        return Results.Created($"/api/v1/products/{pid}/aliases/{body.Alias}", body with { Format = body.Format ?? "string" });
    }

    private static async Task<IResult> RemoveAliasAsync(string pid, string alias, bool? purge, IRegistryStore registry, IRuleStore rules, RuleSecrets secrets,
        CancellationToken ct)
    {
        var product = await registry.GetProductAsync(pid, ct);
        if (product?.FindResource(alias) is null)
        {
            return Problems.NotFound($"no alias {alias} in product {pid}");
        }

        // Creating a rule on an alias the product lacks is refused; removing an alias a running rule needs is refused
        // the same way, so no enabled rule is left half-running on an alias that is gone. Purging values changes nothing here.
        var users = await RulesUsingAsync(pid, alias, rules, secrets, ct);
        if (users.Count > 0)
        {
            return Problems.Conflict($"alias {alias} is used by rules {string.Join(", ", users)}; disable or change them first");
        }

        if (purge != true && await registry.HasValuesAsync(pid, alias, ct))
        {
            return Problems.Conflict($"alias {alias} has values; remove it with purge=true to delete them too", AliasHasValues);
        }

        await registry.RemoveResourceAsync(pid, alias, purge == true, ct);
        return Results.NoContent();
    }

    /// <summary>The names of the product's enabled rules that read or write <paramref name="alias"/>.</summary>
    private static async Task<List<string>> RulesUsingAsync(string pid, string alias, IRuleStore rules, RuleSecrets secrets, CancellationToken ct)
    {
        var users = new List<string>();
        foreach (var stored in await rules.ListRulesAsync(pid, ct))
        {
            // A rule that no longer parses does not run (the engine skips it), so it uses nothing.
            if (stored.Enabled && RuleParser.TryParse(secrets.Reveal(stored.Definition), null, out var definition, out _) && definition!.Uses(alias))
            {
                users.Add(stored.Name);
            }
        }

        return users;
    }

    private static bool TryWriteLimit(WriteLimitDto? dto, out WriteLimit limit, out string error)
    {
        limit = WriteLimit.Default;
        error = string.Empty;
        if (dto is null)
        {
            return true;
        }

        if (!(dto.PerSecond > 0 && dto.PerSecond <= 1_000_000) || dto.Burst is < 1 or > 10_000_000)
        {
            error = "write_limit needs per_second in (0, 1000000] and burst in [1, 10000000]";
            return false;
        }

        limit = new WriteLimit(dto.PerSecond, dto.Burst);
        return true;
    }

    private static string NewProductId()
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(Alphabet, 12);
    }
}
