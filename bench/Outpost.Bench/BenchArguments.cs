using System.Globalization;

namespace Outpost.Bench;

/// <summary><c>--name value</c> pairs from the command line, with typed defaults.</summary>
internal sealed class BenchArguments(Dictionary<string, string> values)
{
    public static BenchArguments Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                values[name] = "true";
            }
            else if (name is not null)
            {
                values[name] = arg;
                name = null;
            }
        }

        return new BenchArguments(values);
    }

    public int Int(string name, int fallback) =>
        values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public string? Text(string name) => values.GetValueOrDefault(name);

    /// <summary>A fresh directory for the run's files (under <c>--dir</c>, default the system temp dir); deleted at the end.</summary>
    public string WorkDirectory()
    {
        var parent = Text("dir") ?? Path.GetTempPath();
        return Directory.CreateDirectory(Path.Combine(parent, $"outpost-bench-{Guid.NewGuid():N}")).FullName;
    }
}
