namespace Outpost.Cloud.Alerts;

/// <summary>The states of an alert, as stored and shown.</summary>
internal static class AlertStates
{
    public const string Open = "open";

    public const string Acknowledged = "acknowledged";

    public const string Cleared = "cleared";

    public static readonly string[] All = [Open, Acknowledged, Cleared];
}
