using Outpost.Protocol.Commands;

namespace Outpost.Cloud.Simulator;

/// <summary>
/// What a simulated gateway will do with one <c>engine_fetch</c> value, decided before any time passes:
/// the shell waits <see cref="Delay"/> and then applies it (<see cref="SimulatedGateway.Apply"/>).
/// </summary>
/// <param name="Command">The parsed command; null when it was rejected.</param>
/// <param name="Id">The command's id, echoed in every fetch_status (also for a rejected command when readable).</param>
/// <param name="Error">Why the command was rejected; null when it parsed.</param>
/// <param name="Rolls">The dice thrown for it.</param>
internal sealed record CommandPlan(EngineCommand? Command, string? Id, string? Error, GatewayRolls Rolls)
{
    /// <summary>Only installs take time; everything else is answered at once.</summary>
    public TimeSpan Delay => Command?.Verb == EngineVerb.Install ? Rolls.Latency : TimeSpan.Zero;
}
