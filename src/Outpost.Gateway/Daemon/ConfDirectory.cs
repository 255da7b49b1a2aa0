using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Daemon;

/// <summary>Reads every <c>*.conf</c> in gwe's <c>conf.d</c> (one app each, but any number of <c>[program:x]</c> is
/// accepted) into one list of programs. Called at daemon start and by <c>gwe reread</c>/<c>gwe update</c>.</summary>
internal static class ConfDirectory
{
    /// <summary>The programs of all files in name order, or the first error (a bad file, a program defined twice).</summary>
    public static SupervisorConfResult Read(string directory)
    {
        var programs = new List<ProgramConfig>();
        var warnings = new List<string>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
        {
            return new SupervisorConfResult([], null, []);
        }

        foreach (var path in Directory.EnumerateFiles(directory, "*.conf").Order(StringComparer.Ordinal))
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return new SupervisorConfResult([], $"{path}: {ex.Message}", warnings);
            }

            var result = SupervisorConfFile.Read(text, path, ConfContext.ForFile(path));
            warnings.AddRange(result.Warnings);
            if (result.Error is not null)
            {
                return new SupervisorConfResult([], result.Error, warnings);
            }

            foreach (var program in result.Programs)
            {
                if (seen.TryGetValue(program.Name, out var first))
                {
                    return new SupervisorConfResult([], $"{path}: [program:{program.Name}] is already defined in {first}", warnings);
                }

                seen[program.Name] = path;
                programs.Add(program);
            }
        }

        return new SupervisorConfResult(programs, null, warnings);
    }
}
