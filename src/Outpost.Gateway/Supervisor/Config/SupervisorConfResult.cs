namespace Outpost.Gateway.Supervisor.Config;

/// <summary>The programs of one supervisor.conf, or the one error that stopped the read, plus warnings.</summary>
/// <param name="Programs">The programs in file order (empty when <paramref name="Error"/> is set).</param>
/// <param name="Error">One line naming the file, line, section and key, or <see langword="null"/>.</param>
/// <param name="Warnings">Unknown or ignored keys and sections.</param>
internal sealed record SupervisorConfResult(IReadOnlyList<ProgramConfig> Programs, string? Error, IReadOnlyList<string> Warnings);
