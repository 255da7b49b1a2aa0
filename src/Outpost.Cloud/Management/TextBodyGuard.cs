using System.Buffers;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Metadata;

namespace Outpost.Cloud.Management;

/// <summary>
/// Refuses a management-API request whose JSON or YAML body is not valid UTF-8, with a 400, before anything binds it.
/// </summary>
/// <remarks>
/// System.Text.Json reads such a body without complaint when the bad bytes sit in a property name: a <c>JsonElement</c>
/// body failed only when a handler read the name (a 500). Checking the bytes once, here, covers every handler.
/// Only endpoints that take a JSON or YAML body (their accepts metadata says so) are checked — content uploads are raw
/// bytes of any kind and size — and only requests that carry a token, so an anonymous caller still gets its 401 from
/// the token filter. The body is read once, in pooled chunks, into the request's own buffer, and rewound.
/// </remarks>
internal sealed class TextBodyGuard(RequestDelegate next)
{
    private const int ChunkBytes = 16 * 1024;

    /// <summary>Requests this guard checks: a text body, with a token, to an endpoint that binds JSON or YAML.</summary>
    public static bool Applies(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength == 0 || request.ContentType is not { } contentType || !request.Headers.ContainsKey("Authorization")
            || context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is null)
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("yaml", StringComparison.OrdinalIgnoreCase);
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering();
        var valid = await IsUtf8Async(request.Body, context.RequestAborted);
        request.Body.Position = 0;
        if (!valid)
        {
            await Problems.BadRequest("the body is not valid UTF-8").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private static async Task<bool> IsUtf8Async(System.IO.Stream body, CancellationToken cancellationToken)
    {
        // A chunk may end inside a character: its last bytes (at most 3) are carried into the next read.
        var bytes = ArrayPool<byte>.Shared.Rent(ChunkBytes + 4);
        var chars = ArrayPool<char>.Shared.Rent(ChunkBytes + 4);
        try
        {
            var carried = 0;
            while (true)
            {
                var read = await body.ReadAsync(bytes.AsMemory(carried, ChunkBytes), cancellationToken);
                var chunk = bytes.AsSpan(0, carried + read);
                var status = Utf8.ToUtf16(chunk, chars, out var consumed, out _, replaceInvalidSequences: false, isFinalBlock: read == 0);
                if (status == OperationStatus.InvalidData)
                {
                    return false;
                }

                if (read == 0)
                {
                    return true;
                }

                carried = chunk.Length - consumed;
                chunk[consumed..].CopyTo(bytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
