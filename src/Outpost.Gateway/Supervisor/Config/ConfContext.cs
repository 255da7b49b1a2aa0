namespace Outpost.Gateway.Supervisor.Config;

/// <summary>What <c>%(…)s</c> expansions draw on besides the section itself.</summary>
/// <param name="Here">The directory of the conf file (<c>%(here)s</c>).</param>
/// <param name="Environment">The supervisor's environment (<c>%(ENV_X)s</c>).</param>
/// <param name="HostName">The machine's host name (<c>%(host_node_name)s</c>).</param>
internal sealed record ConfContext(string Here, IReadOnlyDictionary<string, string> Environment, string HostName)
{
    /// <summary>A context for a conf file at <paramref name="confPath"/> with this process's environment.</summary>
    public static ConfContext ForFile(string confPath)
    {
        ArgumentNullException.ThrowIfNull(confPath);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
        {
            env[(string)e.Key] = (string?)e.Value ?? string.Empty;
        }

        var here = Path.GetDirectoryName(Path.GetFullPath(confPath)) ?? "/";
        return new ConfContext(here, env, System.Environment.MachineName);
    }
}
