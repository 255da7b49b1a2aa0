using Microsoft.Extensions.Logging;
using Outpost.Cloud.Stream;

namespace Outpost.Cloud.Rules;

/// <summary>The rules engine's view of the event stream: every committed value, from its own durable offset.</summary>
internal sealed class RuleEventConsumer(IEventStream stream, RuleEngine engine, TimeProvider clock, ILogger<RuleEventConsumer> logger)
    : EventConsumer(stream, clock, logger)
{
    protected override string Name => "rules";

    protected override int BatchSize => 2000;

    protected override Task HandleAsync(IReadOnlyList<DeviceEvent> events, CancellationToken cancellationToken) =>
        engine.ApplyEventsAsync(events, cancellationToken);
}
