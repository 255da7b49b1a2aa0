using Outpost.Cloud.Content;
using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Registry;

namespace Outpost.Cloud.Management;

/// <summary>A product's content area: upload (with sha256 check), list, info, download (with Range), delete.</summary>
internal static class ContentApi
{
    public static void Map(RouteGroupBuilder api, CloudOptions options)
    {
        var content = api.MapGroup("/products/{pid}/content").WithTags("Content");
        content.MapPut("/{id}", (HttpContext context, string pid, string id, IRegistryStore registry, ContentStore store, CancellationToken ct) =>
                UploadAsync(context, pid, id, registry, store, options.MaxContentBytes, ct))
            .WithName("UploadContent").Produces<ContentDto>(201).Produces<ContentDto>()
            .WithSummary("Upload a file (raw body); X-Content-SHA256 or ?sha256= is checked, ?meta= is stored")
            .Require(TokenRole.Operator);
        content.MapGet("/", ListAsync).WithName("ListContent").Produces<List<ContentDto>>().WithSummary("List a product's content").Require(TokenRole.Viewer);
        content.MapGet("/{id}", InfoAsync).WithName("ContentInfo").Produces<ContentDto>().WithSummary("Show one file's size, sha256, type and meta").Require(TokenRole.Viewer);
        content.MapGet("/{id}/download", DownloadAsync).WithName("DownloadContent").Produces(200, typeof(byte[]), "application/octet-stream").Produces(206, typeof(byte[]), "application/octet-stream").WithSummary("Download a file (Range supported)").Require(TokenRole.Viewer);
        content.MapDelete("/{id}", DeleteAsync).WithName("DeleteContent").Produces(204).WithSummary("Delete a file").Require(TokenRole.Operator);
    }

    private static async Task<IResult> UploadAsync(HttpContext context, string pid, string id, IRegistryStore registry, ContentStore store, long maxBytes, CancellationToken ct)
    {
        if (await registry.GetProductAsync(pid, ct) is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        if (!Identifiers.IsContentId(id))
        {
            return Problems.BadRequest($"content id '{id}' must be a file name: 1-128 letters, digits, '_', '-' or '.', not starting with '.'");
        }

        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            return Problems.TooLarge($"content is larger than the limit of {maxBytes} bytes");
        }

        var sizeFeature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBytes + 1;
        }

        var expected = request.Headers["X-Content-SHA256"].FirstOrDefault() ?? request.Query["sha256"].FirstOrDefault();
        if (expected is not null && (expected.Length != 64 || !expected.All(Uri.IsHexDigit)))
        {
            return Problems.BadRequest("sha256 must be 64 hex characters");
        }

        var meta = request.Query["meta"].FirstOrDefault() ?? request.Headers["X-Content-Meta"].FirstOrDefault() ?? string.Empty;
        // curl --data-binary sends form-urlencoded by default: that is never a file's real type.
        var contentType = string.IsNullOrWhiteSpace(request.ContentType)
            || request.ContentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            ? GuessType(id)
            : request.ContentType;
        if ((ContentStore.CheckMeta(meta) ?? ContentStore.CheckContentType(contentType)) is { } refused)
        {
            return Problems.BadRequest(refused);
        }
        try
        {
            var existed = await store.GetAsync(pid, id, ct) is not null;
            var (item, error) = await store.UploadAsync(pid, id, request.Body, contentType, meta, expected, maxBytes, ct);
            if (item is null)
            {
                return error!.StartsWith("content is larger", StringComparison.Ordinal) ? Problems.TooLarge(error) : Problems.BadRequest(error);
            }

            return existed ? Results.Ok(item.ToDto()) : Results.Created($"/api/v1/products/{pid}/content/{id}", item.ToDto());
        }
        catch (BadHttpRequestException ex)
        {
            return Problems.Status(ex.StatusCode, "upload failed: " + ex.Message);
        }
    }

    private static async Task<IResult> ListAsync(string pid, IRegistryStore registry, ContentStore store, CancellationToken ct) =>
        await registry.GetProductAsync(pid, ct) is null
            ? Problems.NotFound($"no product {pid}")
            : Results.Ok((await store.ListAsync(pid, ct)).Select(c => c.ToDto()).ToList());

    private static async Task<IResult> InfoAsync(string pid, string id, ContentStore store, CancellationToken ct)
    {
        var item = Identifiers.IsContentId(id) ? await store.GetAsync(pid, id, ct) : null;
        return item is null ? Problems.NotFound($"no content {id} in product {pid}") : Results.Ok(item.ToDto());
    }

    private static async Task<IResult> DownloadAsync(HttpContext context, string pid, string id, ContentStore store, CancellationToken ct)
    {
        var item = Identifiers.IsContentId(id) ? await store.GetAsync(pid, id, ct) : null;
        if (item is null)
        {
            return Problems.NotFound($"no content {id} in product {pid}");
        }

        context.Response.Headers["X-Content-SHA256"] = item.Sha256;
        return Results.File(store.PathOf(pid, id), item.ContentType, fileDownloadName: id, enableRangeProcessing: true);
    }

    private static async Task<IResult> DeleteAsync(string pid, string id, IRegistryStore registry, ContentStore store, CancellationToken ct)
    {
        if (await registry.GetProductAsync(pid, ct) is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        return Identifiers.IsContentId(id) && await store.DeleteAsync(pid, id, ct)
            ? Results.NoContent()
            : Problems.NotFound($"no content {id} in product {pid}");
    }

    internal static string GuessType(string id) =>
        id.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || id.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) ? "application/gzip"
        : id.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "application/json"
        : id.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) ? "text/plain"
        : "application/octet-stream";
}
