namespace Outpost.Protocol.Reports;

/// <summary>The <c>gwe</c> object of <c>engine_report</c>.</summary>
/// <param name="Version">The engine's version, e.g. <c>0.1.0</c>.</param>
/// <param name="Commit">The git commit it was built from, or <c>unknown</c>.</param>
/// <param name="Uptime">Seconds since the engine started.</param>
public sealed record GweInfo(string Version, string Commit, long Uptime);
