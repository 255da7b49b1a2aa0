namespace Outpost.Protocol.Reports;

/// <summary>GMQ's link to the cloud in <c>engine_report.gmq</c>: is it up, how long it has been down, and why.</summary>
/// <param name="State"><c>up</c>, <c>down</c> or <c>unknown</c> (nothing tried yet).</param>
/// <param name="DownTime">Seconds the link has been down since gwe started (the current outage included).</param>
/// <param name="LastError">The last reason the cloud could not be reached or refused a batch; null when none.</param>
/// <param name="LastUpAt">When the cloud last answered, epoch seconds; null when never.</param>
/// <param name="LastDownAt">When the cloud last could not be reached, epoch seconds; null when never.</param>
public sealed record GmqLinkReport(string State, long DownTime, string? LastError, long? LastUpAt, long? LastDownAt);
