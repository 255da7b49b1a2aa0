using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Engine;

/// <summary>Reads <c>engine.conf</c>: supervisord-style INI with an <c>[engine]</c> section. Called by the daemon at start.</summary>
/// <remarks>
/// A missing file means the defaults. Sections other engine components own (<c>[gmq]</c>, <c>[device]</c>) are left to
/// them; unknown keys in <c>[engine]</c> are warnings, bad values an error that stops start-up.
/// </remarks>
internal static class EngineConfigReader
{
    private static readonly string[] OwnedElsewhere = ["gmq", "device", "telemetry"];

    // [engine] keys EngineConfigFile interprets (the engine loop's own settings): known, so not warned about here.
    private static readonly string[] EngineKeys = ["update_interval", "act_retry_interval", "install_timeout", "backoff_max", "debug_level", "user_agent",
        "tarball_max_entries", "tarball_max_unpacked_bytes", "tarball_max_ratio"];

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static EngineConfigResult ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new EngineConfigResult(HostingConfig.Default, null, []);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new EngineConfigResult(null, $"{path}: {ex.Message}", []);
        }

        return Read(text, path);
    }

    /// <summary>Reads <paramref name="text"/> (of the file at <paramref name="path"/>, for messages).</summary>
    public static EngineConfigResult Read(string text, string path)
    {
        if (!IniDocument.TryParse(text, out var document, out var error))
        {
            return new EngineConfigResult(null, $"{path} {error}", []);
        }

        var warnings = new List<string>();
        var config = HostingConfig.Default;
        foreach (var section in document.Sections)
        {
            if (section.Name != "engine")
            {
                if (!OwnedElsewhere.Contains(section.Name))
                {
                    warnings.Add($"{path} line {section.Line}: [{section.Name}] is not understood; ignored");
                }

                continue;
            }

            foreach (var (key, value) in section.Entries)
            {
                switch (key)
                {
                    case "process_manager":
                        if (value is not ("builtin" or "supervisord"))
                        {
                            return new EngineConfigResult(
                                null, $"{path} line {section.LineOf(key)}: [engine] process_manager: '{value}' is not builtin or supervisord", warnings);
                        }

                        config = config with { ProcessManager = value == "builtin" ? ProcessManagerKind.Builtin : ProcessManagerKind.Supervisord };
                        break;
                    case "supervisord_socket":
                    case "supervisord_include_dir":
                        if (!Path.IsPathFullyQualified(value))
                        {
                            return new EngineConfigResult(null, $"{path} line {section.LineOf(key)}: [engine] {key}: '{value}' is not an absolute path", warnings);
                        }

                        config = key == "supervisord_socket" ? config with { SupervisordSocket = value } : config with { SupervisordIncludeDir = value };
                        break;
                    case var engineKey when EngineKeys.Contains(engineKey):
                        break;
                    default:
                        warnings.Add($"{path} line {section.LineOf(key)}: [engine] {key} is not understood; ignored");
                        break;
                }
            }
        }

        return new EngineConfigResult(config, null, warnings);
    }
}
