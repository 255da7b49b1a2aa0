namespace Outpost.Gateway.Supervisor.Config;

/// <summary>Reads every <c>[program:NAME]</c> of a supervisor.conf text; other sections are supervisord's own and ignored.</summary>
internal static class SupervisorConfFile
{
    /// <summary>Sections that belong to supervisord itself or to features the built-in supervisor leaves out.</summary>
    private static readonly string[] IgnoredPrefixes =
        ["supervisord", "supervisorctl", "unix_http_server", "inet_http_server", "rpcinterface:", "include", "group:", "eventlistener:", "fcgi-program:"];

    /// <summary>Parses <paramref name="text"/> of the file at <paramref name="path"/>; programs come back in file order.</summary>
    public static SupervisorConfResult Read(string text, string path, ConfContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!IniDocument.TryParse(text, out var document, out var error))
        {
            return new SupervisorConfResult([], $"{path} {error}", []);
        }

        var programs = new List<ProgramConfig>();
        var warnings = new List<string>();
        foreach (var section in document.Sections)
        {
            if (!ProgramConfigReader.IsProgramSection(section))
            {
                if (!IgnoredPrefixes.Any(p => section.Name.StartsWith(p, StringComparison.Ordinal)))
                {
                    warnings.Add($"{path} line {section.Line}: [{section.Name}] is not understood; ignored");
                }
                else if (section.Name.StartsWith("group:", StringComparison.Ordinal) || section.Name.StartsWith("eventlistener:", StringComparison.Ordinal))
                {
                    warnings.Add($"{path} line {section.Line}: [{section.Name}] is not supported by the built-in supervisor; ignored");
                }

                continue;
            }

            var result = ProgramConfigReader.Read(section, context);
            if (result.Config is null)
            {
                return new SupervisorConfResult([], $"{path} line {section.LineOf(result.ErrorKey ?? string.Empty)}: {result.Error}", warnings);
            }

            programs.Add(result.Config);
            warnings.AddRange(result.Warnings.Select(w => $"{path}: {w}"));
        }

        return new SupervisorConfResult(programs, null, warnings);
    }
}
