using System.Runtime.Versioning;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Outpost.Gateway.Tests.Apps;

/// <summary>
/// Crafts tarballs entry by entry with <see cref="TarWriter"/>, for what GNU tar will not make as non-root
/// (device nodes, FIFOs, absolute and '..' names, links pointing anywhere).
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class HostileTarball
{
    private readonly List<Action<TarWriter>> _entries = [];

    /// <summary>A valid app to start from: an executable install.sh with a shebang.</summary>
    public static HostileTarball ValidApp() => new HostileTarball().File("install.sh", "#!/bin/sh\necho ok\n", GnuTar.Executable);

    public HostileTarball File(string name, string content, UnixFileMode mode = GnuTar.Plain) =>
        File(name, Encoding.UTF8.GetBytes(content), mode);

    public HostileTarball File(string name, byte[] content, UnixFileMode mode = GnuTar.Plain)
    {
        _entries.Add(w =>
        {
            var e = new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = mode, DataStream = new MemoryStream(content) };
            w.WriteEntry(e);
        });
        return this;
    }

    public HostileTarball Entry(TarEntryType type, string name, string? linkName = null, UnixFileMode mode = GnuTar.Plain)
    {
        _entries.Add(w =>
        {
            var e = new PaxTarEntry(type, name) { Mode = mode };
            if (linkName is not null)
            {
                e.LinkName = linkName;
            }

            w.WriteEntry(e);
        });
        return this;
    }

    public HostileTarball Directory(string name) => Entry(TarEntryType.Directory, name, mode: GnuTar.Executable);

    public HostileTarball Symlink(string name, string target) => Entry(TarEntryType.SymbolicLink, name, target);

    public HostileTarball HardLink(string name, string target) => Entry(TarEntryType.HardLink, name, target);

    /// <summary>The uncompressed tar bytes.</summary>
    public byte[] Tar()
    {
        using var ms = new MemoryStream();
        using (var writer = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var add in _entries)
            {
                add(writer);
            }
        }

        return ms.ToArray();
    }

    /// <summary>The gzip-compressed tar bytes.</summary>
    public byte[] Build() => Gzip(Tar());

    public string WriteTo(ScratchDirectory dir, string fileName = "hostile.v1.tar.gz")
    {
        var path = dir[fileName];
        System.IO.File.WriteAllBytes(path, Build());
        return path;
    }

    public static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, level, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }
}
