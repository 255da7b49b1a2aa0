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

    /// <summary>
    /// A bare tar header of <paramref name="type"/> (<c>L</c>: GNU long name, <c>x</c>: PAX attributes) claiming an
    /// ~8 GiB size, followed by a little data: a reader that trusts it allocates or reads forever.
    /// </summary>
    public static byte[] HugeMetadataHeader(char type)
    {
        var header = new byte[512];
        void Put(string text, int offset) => Encoding.ASCII.GetBytes(text).CopyTo(header, offset);
        Put("././@LongLink", 0);
        Put("0000644\0", 100);
        Put("0000000\0", 108);
        Put("0000000\0", 116);
        Put("77777777777\0", 124);
        Put("00000000000\0", 136);
        header[156] = (byte)type;
        Put(type == 'L' ? "ustar  \0" : "ustar\000", 257);
        Put("        ", 148);
        var sum = header.Sum(b => b);
        Put(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ", 148);
        return Gzip([.. header, .. new byte[4096]]);
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
