namespace Outpost.Gateway.Engine;

/// <summary>The engine config read from a file, or the one line saying why it could not be.</summary>
/// <param name="Config">The config, or <see langword="null"/> when <paramref name="Error"/> is set.</param>
/// <param name="Error">One line naming the file and the problem.</param>
/// <param name="Warnings">Keys and sections gwe does not know (kept out, reported once).</param>
internal sealed record EngineConfigResult(HostingConfig? Config, string? Error, IReadOnlyList<string> Warnings);
