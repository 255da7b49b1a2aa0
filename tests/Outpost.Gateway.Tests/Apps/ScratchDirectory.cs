using System.Runtime.Versioning;

namespace Outpost.Gateway.Tests.Apps;

/// <summary>A temp directory owned by one test, deleted (without following symlinks) on dispose.</summary>
[UnsupportedOSPlatform("windows")]
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory()
    {
        Path = Directory.CreateTempSubdirectory("outpost-apps-").FullName;
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Join(Path, relative);

    /// <summary>Writes a file (creating parents) and optionally sets its mode.</summary>
    public string Write(string relative, string content, UnixFileMode? mode = null)
    {
        var full = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        if (mode is { } m)
        {
            File.SetUnixFileMode(full, m);
        }

        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
