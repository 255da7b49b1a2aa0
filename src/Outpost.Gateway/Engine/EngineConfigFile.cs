using System.Globalization;
using System.Text;
using Outpost.Gateway.Apps;

namespace Outpost.Gateway.Engine;

/// <summary>
/// Reads and rewrites <c>engine.conf</c> (INI) for <c>gwe -l/-d/-t/-a/-e</c> and the daemon. Only the keys of
/// <see cref="EngineConfig"/> are interpreted; every other line (comments, unknown keys, other sections) is written
/// back as it was, so settings of other components survive a <c>gwe -t 60</c>.
/// </summary>
internal sealed class EngineConfigFile
{
    private const string Section = "engine";
    private readonly List<string> _lines;

    private EngineConfigFile(string path, List<string> lines)
    {
        Path = path;
        _lines = lines;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Loads <paramref name="path"/> (a missing file is an empty one).</summary>
    public static EngineConfigFile Load(string path) =>
        new(path, File.Exists(path) ? [.. File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n')] : []);

    /// <summary>The file's text.</summary>
    public string Text => _lines.Count == 0 ? $"[{Section}]\n" : string.Join('\n', _lines) + "\n";

    /// <summary>Interprets the <c>[engine]</c> keys; on a bad value returns null and one line naming the file and key.</summary>
    public EngineConfig? TryRead(out string error)
    {
        var config = new EngineConfig();
        error = string.Empty;
        foreach (var (key, value, line) in Entries())
        {
            switch (key)
            {
                case "update_interval":
                case "act_retry_interval":
                case "install_timeout":
                case "backoff_max":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                    {
                        error = $"{Path} line {line + 1}: {key} must be a whole number of seconds, not '{value}'";
                        return null;
                    }

                    config = key switch
                    {
                        "update_interval" => config with { UpdateInterval = seconds },
                        "act_retry_interval" => config with { ActRetryInterval = seconds },
                        "backoff_max" => config with { BackoffMax = seconds },
                        _ => config with { InstallTimeout = seconds },
                    };
                    break;
                case "tarball_max_entries":
                case "tarball_max_unpacked_bytes":
                case "tarball_max_ratio":
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1)
                    {
                        error = $"{Path} line {line + 1}: {key} must be a whole number of at least 1, not '{value}'";
                        return null;
                    }

                    config = config with
                    {
                        TarballLimits = key switch
                        {
                            "tarball_max_entries" => config.TarballLimits with { MaxEntries = (int)Math.Min(limit, int.MaxValue) },
                            "tarball_max_unpacked_bytes" => config.TarballLimits with { MaxUnpackedBytes = limit },
                            _ => config.TarballLimits with { MaxCompressionRatio = limit },
                        },
                    };
                    break;
                case "debug_level":
                    config = config with { DebugLevel = value.ToUpperInvariant() };
                    break;
                case "user_agent":
                    config = config with { UserAgent = value };
                    break;
            }
        }

        if (config.Problem() is { } problem)
        {
            error = $"{Path}: {problem}";
            return null;
        }

        return config;
    }

    /// <summary>Sets one key of <c>[engine]</c>, in place when present, else at the end of the section.</summary>
    public void Set(string key, string value)
    {
        var rendered = $"{key} = {value}";
        foreach (var (k, _, line) in Entries())
        {
            if (k == key)
            {
                _lines[line] = rendered;
                return;
            }
        }

        var header = _lines.FindIndex(l => IsHeader(l, out var name) && name == Section);
        if (header < 0)
        {
            if (_lines.Count > 0)
            {
                _lines.Add(string.Empty);
            }

            _lines.Add($"[{Section}]");
            _lines.Add(rendered);
            return;
        }

        var end = header + 1;
        while (end < _lines.Count && !IsHeader(_lines[end], out _))
        {
            end++;
        }

        while (end > header + 1 && _lines[end - 1].Trim().Length == 0)
        {
            end--;
        }

        _lines.Insert(end, rendered);
    }

    /// <summary>Writes the file atomically.</summary>
    public Task SaveAsync(CancellationToken cancellationToken) => AtomicFile.WriteAsync(Path, Text, cancellationToken);

    private IEnumerable<(string Key, string Value, int Line)> Entries()
    {
        var inSection = false;
        for (var i = 0; i < _lines.Count; i++)
        {
            var trimmed = _lines[i].Trim();
            if (IsHeader(trimmed, out var name))
            {
                inSection = name == Section;
                continue;
            }

            if (!inSection || trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                continue;
            }

            var eq = trimmed.IndexOfAny(['=', ':']);
            if (eq > 0)
            {
                var value = trimmed[(eq + 1)..].Trim();
                if (value.Length >= 2 && value[0] is '\'' or '"' && value[^1] == value[0])
                {
                    value = value[1..^1];
                }

                yield return (trimmed[..eq].Trim().ToLowerInvariant(), value, i);
            }
        }
    }

    private static bool IsHeader(string line, out string name)
    {
        var t = line.Trim();
        name = t.Length > 2 && t[0] == '[' && t[^1] == ']' ? t[1..^1].Trim() : string.Empty;
        return name.Length > 0;
    }
}
