namespace Outpost.Bench.Servers;

/// <summary>Finds optional external tools (nginx, wrk) on PATH and in the sbin directories Debian installs them to.</summary>
internal static class Tools
{
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var directories = path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/usr/local/sbin", "/sbin"]);
        return directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }
}
