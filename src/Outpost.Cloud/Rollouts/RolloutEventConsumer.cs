using Microsoft.Extensions.Logging;
using Outpost.Cloud.Stream;

namespace Outpost.Cloud.Rollouts;

/// <summary>The rollout engine's view of the event stream: devices' fetch_status and engine_report writes.</summary>
internal sealed class RolloutEventConsumer(IEventStream stream, RolloutEngine engine, TimeProvider clock, ILogger<RolloutEventConsumer> logger)
    : EventConsumer(stream, clock, logger)
{
    protected override string Name => "rollouts";

    protected override int BatchSize => 2000;

    protected override Task HandleAsync(IReadOnlyList<DeviceEvent> events, CancellationToken cancellationToken) =>
        engine.ApplyEventsAsync(events, cancellationToken);
}
