using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Outpost.Cloud.Cli;

/// <summary>
/// What a command prints on stdout: Spectre tables for people, or with <c>--json</c> the API's own JSON (indented,
/// keys in the server's order) for scripts. Errors never come through here: they are one line on stderr.
/// </summary>
internal sealed class Output
{
    private readonly IAnsiConsole _console;

    public Output(bool json)
    {
        Json = json;
        _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            // Piped into grep or a file: a terminal's 80 columns would wrap long values across lines.
            _console.Profile.Width = 240;
        }
    }

    public bool Json { get; }

    public void WriteJson(JsonElement json)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteTo(writer);
        }

        stdout.WriteByte((byte)'\n');
    }

    /// <summary>Text as is: no markup, so values with brackets print verbatim.</summary>
    public void Line(string text) => _console.Write(new Text(text + "\n"));

    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        }

        var count = 0;
        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell ?? "-")).ToArray());
            count++;
        }

        if (count == 0)
        {
            Line("(none)");
            return;
        }

        _console.Write(table);
    }

    /// <summary>One record as "name  value" lines.</summary>
    public void Fields(IEnumerable<(string Name, string? Value)> fields)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var (name, value) in fields)
        {
            grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value ?? "-"));
        }

        _console.Write(grid);
    }

    /// <summary>Times in UTC, to the second: the same on every operator's machine.</summary>
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    public static string Tags(IReadOnlyDictionary<string, string> tags) =>
        tags.Count == 0 ? "-" : string.Join(", ", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (bytes / 1024.0 / 1024).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / 1024.0 / 1024 / 1024).ToString("0.##", CultureInfo.InvariantCulture) + " GiB",
    };
}
