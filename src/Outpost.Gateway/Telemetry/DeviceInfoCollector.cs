using System.Globalization;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Outpost.Gateway.Engine;
using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Telemetry;

/// <summary>
/// Gathers <c>device_info</c>: the seed's text keys (<c>uname</c>, <c>df</c>, <c>free</c>, <c>ipaddrs</c>) rendered
/// from the same structured facts, from <c>/proc</c>, <c>/etc/os-release</c> and .NET's network APIs (no child
/// processes, so it works on minimal images). Called by the report loop on start and every interval.
/// </summary>
internal static class DeviceInfoCollector
{
    /// <summary>Reads the machine now.</summary>
    public static DeviceInfo Collect()
    {
        var kernel = ReadTrimmed("/proc/sys/kernel/osrelease");
        var hostname = Environment.MachineName;
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x86_64",
            Architecture.Arm64 => "aarch64",
            Architecture.Arm => "armv7l",
            Architecture.X86 => "i686",
            var other => other.ToString().ToLowerInvariant(),
        };
        var uname = $"{ReadTrimmed("/proc/sys/kernel/ostype", "Linux")} {hostname} {kernel} {ReadTrimmed("/proc/sys/kernel/version")} {arch}";
        var (osName, osVersion) = OsRelease();
        var (memTotal, memFree, memText) = Memory();
        var disks = DiskSpace.Read();
        var interfaces = Interfaces();
        var ipaddrs = interfaces.Where(i => i.Name != "lo").SelectMany(i => i.Addresses).ToList();
        return new DeviceInfo(
            uname, Df(disks), memText, ipaddrs, osName, osVersion, kernel, arch, hostname, Environment.ProcessorCount,
            memTotal, memFree, disks, interfaces, GweVersion.Version, GweVersion.Commit, RuntimeInformation.FrameworkDescription, BootTime());
    }

    /// <summary>The part of <paramref name="info"/> that changes only when the machine does (not free memory or disk).</summary>
    public static DeviceInfo Stable(DeviceInfo info) =>
        info with { Df = string.Empty, Free = string.Empty, MemoryFree = 0, Disks = info.Disks.Select(d => d with { Used = 0, Free = 0 }).ToList() };

    private static string Df(IReadOnlyList<DiskUsage> disks)
    {
        var sb = new StringBuilder("Filesystem     1K-blocks      Used Available Use% Mounted on\n");
        foreach (var d in disks)
        {
            var pct = d.Total == 0 ? 0 : (int)Math.Ceiling(100.0 * d.Used / d.Total);
            sb.Append(CultureInfo.InvariantCulture, $"-              {d.Total / 1024,9} {d.Used / 1024,9} {d.Free / 1024,9} {pct,3}% {d.Mount}\n");
        }

        return sb.ToString();
    }

    private static (long Total, long Free, string Text) Memory()
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in ReadLines("/proc/meminfo"))
        {
            var parts = line.Split(':', 2);
            if (parts.Length == 2 && long.TryParse(parts[1].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
            {
                values[parts[0]] = kb;
            }
        }

        long Kb(string key) => values.GetValueOrDefault(key);
        var total = Kb("MemTotal");
        var free = Kb("MemFree");
        var available = values.TryGetValue("MemAvailable", out var a) ? a : free;
        var text = "              total        used        free      shared  buff/cache   available\n"
            + string.Create(CultureInfo.InvariantCulture, $"Mem:    {total,11} {total - available,11} {free,11} {Kb("Shmem"),11} {Kb("Buffers") + Kb("Cached"),11} {available,11}\n")
            + string.Create(CultureInfo.InvariantCulture, $"Swap:   {Kb("SwapTotal"),11} {Kb("SwapTotal") - Kb("SwapFree"),11} {Kb("SwapFree"),11}\n");
        return (total * 1024, available * 1024, text);
    }

    private static List<InterfaceInfo> Interfaces()
    {
        var list = new List<InterfaceInfo>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                var bytes = nic.GetPhysicalAddress().GetAddressBytes();
                var mac = bytes.Length == 0 ? string.Empty : string.Join(':', bytes.Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
                var addresses = nic.GetIPProperties().UnicastAddresses
                    .Where(u => u.Address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                    .Select(u => u.Address.ToString())
                    .ToList();
                list.Add(new InterfaceInfo(nic.Name, mac, addresses));
            }
        }
        catch (NetworkInformationException)
        {
            // No netlink (a locked-down sandbox): the report goes out without interfaces.
        }

        return list;
    }

    private static (string Name, string Version) OsRelease()
    {
        string name = "Linux", version = string.Empty;
        foreach (var line in ReadLines("/etc/os-release"))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var value = line[(eq + 1)..].Trim().Trim('"');
            switch (line[..eq])
            {
                case "NAME":
                    name = value;
                    break;
                case "VERSION_ID":
                    version = value;
                    break;
            }
        }

        return (name, version);
    }

    private static DateTimeOffset? BootTime()
    {
        foreach (var line in ReadLines("/proc/stat"))
        {
            if (line.StartsWith("btime ", StringComparison.Ordinal)
                && long.TryParse(line[6..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }

        return null;
    }

    private static string ReadTrimmed(string path, string fallback = "") =>
        File.Exists(path) ? File.ReadAllText(path).Trim() : fallback;

    private static IEnumerable<string> ReadLines(string path) =>
        File.Exists(path) ? File.ReadAllLines(path) : [];
}
