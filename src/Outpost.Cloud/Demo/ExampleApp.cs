using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Outpost.Cloud.Demo;

/// <summary>
/// The seed's <c>test_app</c> as a tarball built in memory: <c>install.sh</c>, <c>supervisor.conf</c> and a shell app
/// that reports through GMQ — the same layout as <c>tar zcvf test_app.vN.tar.gz supervisor.conf install.sh test_app.sh</c>.
/// </summary>
internal static class ExampleApp
{
    public static byte[] Build(string version)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            Add(tar, "supervisor.conf", "[program:test_app]\ncommand=/bin/sh %(here)s/test_app.sh\nautorestart=true\n", executable: false);
            Add(tar, "install.sh", $"#!/bin/sh\necho \"Installing test_app v{version}...\"\nchmod +x test_app.sh\necho \"Installation complete.\"\n", executable: true);
            Add(tar, "test_app.sh", $"#!/bin/sh\n# test_app v{version}: reports a reading through GMQ every 10 s.\nwhile true; do\n"
                + "  curl -s -o /dev/null -X POST http://127.0.0.1:8090/onep:v1/stack/alias -d \"usage_report=$(date +%s)\" || true\n"
                + "  sleep 10\ndone\n", executable: true);
        }

        return buffer.ToArray();
    }

    private static void Add(TarWriter tar, string name, string text, bool executable)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = executable
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
        };
        tar.WriteEntry(entry);
    }
}
