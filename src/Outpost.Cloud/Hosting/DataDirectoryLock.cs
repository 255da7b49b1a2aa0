namespace Outpost.Cloud.Hosting;

/// <summary>
/// One node per data directory: <c>DATA/outpost.lock</c> held open exclusively (an advisory lock the OS drops with the
/// process, <c>kill -9</c> included) from start to dispose.
/// </summary>
/// <remarks>
/// A second <c>outpost serve</c> on the same directory would share the SQLite file behind the single-writer write path
/// and, at start, sweep the content area under a node that is uploading into it. Taken by
/// <see cref="CloudHost.InitializeAsync"/> before the store or the content area is touched; released when the host's
/// services are disposed.
/// </remarks>
internal sealed class DataDirectoryLock : IDisposable
{
    private FileStream? _file;

    public void Acquire(string directory)
    {
        if (_file is not null)
        {
            return;
        }

        try
        {
            _file = new FileStream(Path.Combine(directory, "outpost.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException("it is in use by another outpost node (one node per data directory)", ex);
        }
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }
}
