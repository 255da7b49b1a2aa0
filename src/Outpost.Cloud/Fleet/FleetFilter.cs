using Outpost.Cloud.Management.Contracts;

namespace Outpost.Cloud.Fleet;

/// <summary>
/// Which rows of the fleet view to keep: by connectivity, by app (<c>NAME</c>: has it; <c>NAME@VERSION</c>: runs that
/// version), by a failed last command. Tags and registry status filter earlier, in the registry query. Pure.
/// </summary>
internal sealed record FleetFilter(string? Connectivity = null, string? App = null, string? AppVersion = null, bool FailedOnly = false)
{
    /// <summary>The connectivity values a filter may name.</summary>
    public static readonly IReadOnlyList<string> ConnectivityValues = ["online", "offline", "never"];

    /// <summary>Reads <c>app=NAME[@VERSION]</c>; false with a one-line reason when malformed.</summary>
    public static bool TryApp(string text, out string app, out string? version, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        app = at < 0 ? text : text[..at];
        version = at < 0 ? null : text[(at + 1)..];
        error = string.Empty;
        if (app.Length == 0 || version is { Length: 0 })
        {
            error = $"app filter '{text}' must be NAME or NAME@VERSION";
            return false;
        }

        return true;
    }

    /// <summary>True when <paramref name="row"/> passes every part of the filter.</summary>
    public bool Matches(FleetGatewayDto row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return (Connectivity is null || row.Connectivity == Connectivity)
            && (App is null || row.Apps.Any(a => a.Name == App && (AppVersion is null || a.Version == AppVersion)))
            && (!FailedOnly || GatewayView.Failed(row.LastCommand));
    }
}
