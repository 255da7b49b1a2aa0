namespace Outpost.Gdc.Tests;

/// <summary>What one gdc run did.</summary>
internal sealed record GdcRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
