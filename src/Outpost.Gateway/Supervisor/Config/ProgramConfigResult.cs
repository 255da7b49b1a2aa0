namespace Outpost.Gateway.Supervisor.Config;

/// <summary>The outcome of reading one <c>[program:NAME]</c> section: a config or one clear error, plus warnings.</summary>
/// <param name="Config">The program, or <see langword="null"/> when <paramref name="Error"/> is set.</param>
/// <param name="Error">One line naming the section and key, or <see langword="null"/>.</param>
/// <param name="Warnings">Things worth telling the operator that do not stop the program (unknown keys, ignored keys).</param>
internal sealed record ProgramConfigResult(ProgramConfig? Config, string? Error, IReadOnlyList<string> Warnings)
{
    /// <summary>The key <see cref="Error"/> is about, so the caller can name its line; null when it is about the section.</summary>
    public string? ErrorKey { get; init; }

    /// <summary>Whether a config was read.</summary>
    public bool Ok => Config is not null;
}
