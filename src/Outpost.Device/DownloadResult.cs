namespace Outpost.Device;

/// <summary>A verified download now at its final path.</summary>
/// <param name="Path">Where the file is.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">Its sha256 (lower-case hex), equal to the server's <c>X-Content-SHA256</c>.</param>
/// <param name="Attempts">How many requests it took (more than one when a broken transfer was resumed).</param>
public sealed record DownloadResult(string Path, long Size, string Sha256, int Attempts);
