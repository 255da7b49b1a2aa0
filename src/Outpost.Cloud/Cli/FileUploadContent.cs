using System.Net;
using System.Net.Http.Headers;

namespace Outpost.Cloud.Cli;

/// <summary>A file as a request body, streamed in chunks with progress, so a 1 GiB tarball never sits in memory.</summary>
internal sealed class FileUploadContent : HttpContent
{
    private const int ChunkSize = 81920;
    private readonly string _path;
    private readonly long _length;
    private readonly IProgress<long> _progress;

    public FileUploadContent(string path, long length, string contentType, IProgress<long> progress)
    {
        _path = path;
        _length = length;
        _progress = progress;
        Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        Headers.ContentLength = length;
    }

    protected override Task SerializeToStreamAsync(System.IO.Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(System.IO.Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkSize, useAsync: true);
        var buffer = new byte[ChunkSize];
        long sent = 0;
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            sent += read;
            _progress.Report(sent);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
