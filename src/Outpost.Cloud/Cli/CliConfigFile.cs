using System.Text.Json;
using System.Text.Json.Serialization;
using Outpost.Cloud.Hosting;

namespace Outpost.Cloud.Cli;

/// <summary>
/// The CLI's config file (<c>~/.config/outpost/config.json</c>, or <c>$OUTPOST_CONFIG</c>): the server and token
/// <c>outpost login</c> saved. It holds a secret, so it is written owner-only (0600) and atomically.
/// </summary>
internal sealed record CliConfigFile(
    [property: JsonPropertyName("server")] string? Server,
    [property: JsonPropertyName("token")] string? Token)
{
    public static string DefaultPath(Func<string, string?> environment)
    {
        if (environment("OUTPOST_CONFIG") is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }

        var configHome = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(configHome, "outpost", "config.json");
    }

    /// <summary>Reads the file; null when there is none. A file that is not valid JSON is an error, not silently ignored.</summary>
    public static CliConfigFile? Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw CliError.Usage($"config file {path} is a directory, not a file");
        }

        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CliConfigFile>(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            // The serializer's own words name .NET types ("could not be converted to Outpost.Cloud.Cli.CliConfigFile").
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1})" : "";
            throw CliError.Usage($"config file {path} is not the JSON outpost login writes{where}: expected {{\"server\": \"…\", \"token\": \"…\"}}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliError.Usage($"cannot read config file {path}: {ex.Message}");
        }
    }

    /// <summary>Writes owner-only: a temp file created 0600 then renamed, so no moment exists where others could read the token.</summary>
    public void Write(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = path + ".tmp";
        try
        {
            if (!Directory.Exists(directory))
            {
                OwnerOnly.CreateDirectory(directory);
            }

            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly.File600;
            }

            File.Delete(temp);
            using (var stream = new FileStream(temp, options))
            {
                JsonSerializer.Serialize(stream, this, new JsonSerializerOptions { WriteIndented = true });
                stream.WriteByte((byte)'\n');
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliError.Usage($"cannot write config file {path}: {ex.Message}");
        }
    }
}
