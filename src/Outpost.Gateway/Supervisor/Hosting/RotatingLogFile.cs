namespace Outpost.Gateway.Supervisor.Hosting;

/// <summary>A program's log file, rotated supervisord-style: at <c>maxbytes</c> the file becomes <c>name.1</c>, older
/// ones shift up, and only <c>backups</c> of them are kept.</summary>
/// <remarks>
/// Unlike supervisord, a write is split at the limit so no file ever exceeds <c>maxbytes</c>: the disk budget is exactly
/// <c>maxbytes × (backups + 1)</c>. <c>maxbytes = 0</c> never rotates; <c>backups = 0</c> truncates in place.
/// Thread-safe: stdout and stderr pumps (and the pumps of a previous run whose children still write) share one file.
/// </remarks>
internal sealed class RotatingLogFile : IDisposable
{
    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _backups;
    private FileStream? _stream;

    /// <summary>Opens (appending to) <paramref name="path"/>, creating its directory when missing.</summary>
    public RotatingLogFile(string path, long maxBytes, int backups)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _maxBytes = maxBytes;
        _backups = backups;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _stream = Open();
    }

    /// <summary>Appends <paramref name="data"/>, rotating as often as needed.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (_stream is null)
            {
                return;
            }

            while (!data.IsEmpty)
            {
                var chunk = data.Length;
                if (_maxBytes > 0)
                {
                    var room = _maxBytes - _stream.Length;
                    if (room <= 0)
                    {
                        Rotate();
                        room = _maxBytes;
                    }

                    chunk = (int)Math.Min(chunk, room);
                }

                _stream.Write(data[..chunk]);
                data = data[chunk..];
            }

            _stream.Flush();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    private void Rotate()
    {
        _stream!.Dispose();
        if (_backups > 0)
        {
            File.Delete($"{_path}.{_backups}");
            for (var i = _backups - 1; i >= 1; i--)
            {
                if (File.Exists($"{_path}.{i}"))
                {
                    File.Move($"{_path}.{i}", $"{_path}.{i + 1}", overwrite: true);
                }
            }

            File.Move(_path, $"{_path}.1", overwrite: true);
            _stream = Open();
        }
        else
        {
            _stream = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }
    }

    private FileStream Open() =>
        new(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
}
