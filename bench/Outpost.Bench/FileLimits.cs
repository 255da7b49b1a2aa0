namespace Outpost.Bench;

/// <summary>Checks the open-files limit (RLIMIT_NOFILE) before a mode opens thousands of sockets.</summary>
internal static class FileLimits
{
    /// <summary>The soft limit from <c>/proc/self/limits</c>, or null when it cannot be read.</summary>
    public static long? SoftOpenFiles()
    {
        if (!File.Exists("/proc/self/limits"))
        {
            return null;
        }

        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return soft == "unlimited" ? long.MaxValue : long.Parse(soft, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>Prints the limit; returns false (after saying what to do) when it is below <paramref name="needed"/>.</summary>
    public static bool Check(long needed)
    {
        var soft = SoftOpenFiles();
        Console.WriteLine($"files   : open-files limit {(soft is null ? "unknown" : soft == long.MaxValue ? "unlimited" : soft.Value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))}, this run needs about {needed:N0}");
        if (soft is { } limit && limit < needed)
        {
            Console.Error.WriteLine($"open-files limit {limit} is below the {needed} this run needs (client sockets; the server child inherits the same limit).");
            Console.Error.WriteLine($"Raise it in the shell that runs the bench, e.g. `ulimit -n {Math.Max(needed, 65536)}` (as root, or up to the hard limit), then run again.");
            return false;
        }

        return true;
    }
}
