namespace Outpost.Cloud.Simulator;

/// <summary>
/// The dice a simulated gateway throws for one command, drawn by the I/O shell so the core stays pure: a roll below
/// the fail rate fails the install, a roll below the crash rate makes the new version crash-loop.
/// </summary>
/// <param name="Fail">Uniform in [0, 1).</param>
/// <param name="Crash">Uniform in [0, 1).</param>
/// <param name="Latency">How long the install takes.</param>
internal sealed record GatewayRolls(double Fail, double Crash, TimeSpan Latency)
{
    /// <summary>Rolls that succeed at once: for commands that are not installs, and tests.</summary>
    public static GatewayRolls Clean { get; } = new(1, 1, TimeSpan.Zero);

    public static GatewayRolls Draw(Random random, LatencyRange latency) =>
        new(random.NextDouble(), random.NextDouble(), latency.Pick(random.NextDouble()));
}
