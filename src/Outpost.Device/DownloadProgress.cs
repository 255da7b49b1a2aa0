namespace Outpost.Device;

/// <summary>Progress of a content download, reported as bytes arrive.</summary>
/// <param name="BytesReceived">Bytes of the file on disk so far, including any resumed part.</param>
/// <param name="TotalBytes">The file's size, when the server said it.</param>
public sealed record DownloadProgress(long BytesReceived, long? TotalBytes);
