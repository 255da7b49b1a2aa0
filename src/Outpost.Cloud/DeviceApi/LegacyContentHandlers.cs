using System.Globalization;
using System.Text;
using Outpost.Cloud.Content;
using Outpost.Cloud.Management;
using Outpost.Cloud.Registry;
using Outpost.Protocol.Forms;

namespace Outpost.Cloud.DeviceApi;

/// <summary>
/// The management-content calls older Exosite tools use (<c>/provision/manage/content/&lt;model&gt;/…</c>), backed by the
/// same <see cref="ContentStore"/> as <c>/api/v1</c>. Authorised by a management token in <c>X-Exosite-Token</c>
/// (or in <c>X-Exosite-CIK</c>, where those tools put a product-level key). Answers are plain text, like the device API.
/// </summary>
internal sealed class LegacyContentHandlers(IRegistryStore registry, ContentStore content, ITokenStore tokens, CloudOptions options)
{
    /// <summary><c>GET …/&lt;model&gt;/</c>: ids, one per line.</summary>
    public async Task ListAsync(HttpContext context, string model)
    {
        if (!await AuthorizeAsync(context, TokenRole.Viewer) || !await ProductExistsAsync(context, model))
        {
            return;
        }

        var ids = new StringBuilder();
        foreach (var item in await content.ListAsync(model, context.RequestAborted))
        {
            ids.Append(item.Id).Append('\n');
        }

        await PlainResponse.WriteAsync(context, 200, ids.ToString());
    }

    /// <summary><c>POST …/&lt;model&gt;/</c> with <c>id=&amp;meta=</c> creates an empty entry; with <c>id=&amp;delete=true</c> removes one.</summary>
    public async Task CreateOrDeleteAsync(HttpContext context, string model)
    {
        if (!await AuthorizeAsync(context, TokenRole.Operator) || !await ProductExistsAsync(context, model))
        {
            return;
        }

        var (body, status, error) = await RequestBody.ReadAsync(context.Request, DeviceApiHandlers.MaxFormBytes, context.RequestAborted);
        if (body is null)
        {
            await PlainResponse.ErrorAsync(context, status, error!);
            return;
        }

        var form = FormCodec.Parse(body);
        var id = form.Fields.FirstOrDefault(f => f.Key == "id").Value;
        if (!form.Ok || !Identifiers.IsContentId(id))
        {
            await PlainResponse.ErrorAsync(context, 400, "give id=<file name> (letters, digits, '_', '-', '.')");
            return;
        }

        if (form.Fields.Any(f => f.Key == "delete" && f.Value == "true"))
        {
            await DeleteCoreAsync(context, model, id!);
            return;
        }

        if (await content.GetAsync(model, id!, context.RequestAborted) is not null)
        {
            await PlainResponse.ErrorAsync(context, 409, $"content {id} already exists");
            return;
        }

        var meta = form.Fields.FirstOrDefault(f => f.Key == "meta").Value ?? string.Empty;
        if (ContentStore.CheckMeta(meta) is { } badMeta)
        {
            await PlainResponse.ErrorAsync(context, 400, badMeta);
            return;
        }

        var (item, uploadError) = await content.UploadAsync(model, id!, System.IO.Stream.Null, "application/octet-stream", meta, null, options.MaxContentBytes, context.RequestAborted);
        await (item is null ? PlainResponse.ErrorAsync(context, 400, uploadError!) : PlainResponse.WriteAsync(context, 205, null));
    }

    /// <summary><c>POST …/&lt;model&gt;/&lt;id&gt;</c>: the raw bytes, with their Content-Type.</summary>
    public async Task UploadAsync(HttpContext context, string model, string id)
    {
        if (!await AuthorizeAsync(context, TokenRole.Operator) || !await ProductExistsAsync(context, model))
        {
            return;
        }

        if (!Identifiers.IsContentId(id))
        {
            await PlainResponse.ErrorAsync(context, 400, "content id must be a file name (letters, digits, '_', '-', '.')");
            return;
        }

        var existing = await content.GetAsync(model, id, context.RequestAborted);
        var type = string.IsNullOrWhiteSpace(context.Request.ContentType) ? Management.ContentApi.GuessType(id) : context.Request.ContentType;
        if (ContentStore.CheckContentType(type) is { } badType)
        {
            await PlainResponse.ErrorAsync(context, 400, badType);
            return;
        }
        var sizeFeature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = options.MaxContentBytes + 1;
        }

        try
        {
            var (item, error) = await content.UploadAsync(model, id, context.Request.Body, type, existing?.Meta ?? string.Empty, null, options.MaxContentBytes, context.RequestAborted);
            await (item is null ? PlainResponse.ErrorAsync(context, 413, error!) : PlainResponse.WriteAsync(context, 205, null));
        }
        catch (BadHttpRequestException ex)
        {
            await PlainResponse.ErrorAsync(context, ex.StatusCode, "upload failed: " + ex.Message);
        }
    }

    /// <summary><c>GET …/&lt;id&gt;</c>: info; with <c>?download=true</c>: the bytes.</summary>
    public async Task GetAsync(HttpContext context, string model, string id)
    {
        if (!await AuthorizeAsync(context, TokenRole.Viewer))
        {
            return;
        }

        var item = Identifiers.IsContentId(id) ? await content.GetAsync(model, id, context.RequestAborted) : null;
        if (item is null)
        {
            await PlainResponse.ErrorAsync(context, 404, $"no content {id} in {model}");
            return;
        }

        if (string.Equals(context.Request.Query["download"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase))
        {
            await Results.File(content.PathOf(model, id), item.ContentType, enableRangeProcessing: true).ExecuteAsync(context);
            return;
        }

        await PlainResponse.WriteAsync(context, 200,
            string.Create(CultureInfo.InvariantCulture, $"{item.ContentType},{item.Size},{item.Updated.ToUnixTimeSeconds()},{item.Meta}"));
    }

    /// <summary><c>DELETE …/&lt;id&gt;</c>.</summary>
    public async Task DeleteAsync(HttpContext context, string model, string id)
    {
        if (await AuthorizeAsync(context, TokenRole.Operator))
        {
            await DeleteCoreAsync(context, model, id);
        }
    }

    private async Task DeleteCoreAsync(HttpContext context, string model, string id)
    {
        var deleted = Identifiers.IsContentId(id) && await content.DeleteAsync(model, id, context.RequestAborted);
        await (deleted ? PlainResponse.WriteAsync(context, 205, null) : PlainResponse.ErrorAsync(context, 404, $"no content {id} in {model}"));
    }

    private async Task<bool> ProductExistsAsync(HttpContext context, string model)
    {
        if (Identifiers.IsProductId(model) && await registry.GetProductAsync(model, context.RequestAborted) is not null)
        {
            return true;
        }

        await PlainResponse.ErrorAsync(context, 404, $"unknown product {model}");
        return false;
    }

    private async Task<bool> AuthorizeAsync(HttpContext context, TokenRole required)
    {
        var secret = context.Request.Headers["X-Exosite-Token"].ToString().Trim();
        if (secret.Length == 0)
        {
            secret = context.Request.Headers["X-Exosite-CIK"].ToString().Trim();
        }

        var token = secret.Length == 0 ? null : await tokens.FindByHashAsync(TokenSecret.Hash(secret), context.RequestAborted);
        if (token is null)
        {
            await PlainResponse.ErrorAsync(context, 401, "unauthorized: send a management token in X-Exosite-Token");
            return false;
        }

        if (token.Role < required)
        {
            await PlainResponse.ErrorAsync(context, 403, $"this needs a token with role {required.ToString().ToLowerInvariant()} or above");
            return false;
        }

        return true;
    }
}
