using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Telemetry;

/// <summary>Mounted filesystems that hold data (pseudo filesystems such as proc, sysfs and cgroup left out).</summary>
internal static class DiskSpace
{
    private static readonly HashSet<string> Pseudo = new(StringComparer.Ordinal)
    {
        "proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "debugfs", "tracefs", "securityfs", "pstore", "bpf",
        "autofs", "hugetlbfs", "configfs", "fusectl", "binfmt_misc", "nsfs", "devtmpfs", "rpc_pipefs", "efivarfs", "selinuxfs",
    };

    /// <summary>Total, used and free bytes per mount point.</summary>
    public static IReadOnlyList<DiskUsage> Read()
    {
        var disks = new List<DiskUsage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var drive in DriveInfo.GetDrives())
        {
            try
            {
                if (!drive.IsReady || Pseudo.Contains(drive.DriveFormat) || drive.TotalSize <= 0 || !seen.Add(drive.Name))
                {
                    continue;
                }

                disks.Add(new DiskUsage(drive.Name, drive.TotalSize, drive.TotalSize - drive.TotalFreeSpace, drive.AvailableFreeSpace));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A mount we may not stat (another user's FUSE mount): not ours to report.
            }
        }

        return disks;
    }
}
