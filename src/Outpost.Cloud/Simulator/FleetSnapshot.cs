namespace Outpost.Cloud.Simulator;

/// <summary>The fleet at one moment, for the live summary and tests.</summary>
/// <param name="Elapsed">Since the run started.</param>
/// <param name="Count">Gateways simulated.</param>
/// <param name="Phases">Gateways per connection phase.</param>
/// <param name="AppStates">Gateways per state of their first app, such as <c>test_app v2 RUNNING</c>.</param>
/// <param name="Activated">Gateways activated so far.</param>
/// <param name="AllActivatedAfter">When the last one activated, from the start of the run.</param>
/// <param name="Commands">engine_fetch commands handled.</param>
/// <param name="Statuses">fetch_status values written, per status.</param>
/// <param name="Reports">engine_report writes.</param>
/// <param name="Errors">Device API calls that failed after their retries.</param>
/// <param name="LastError">The latest of those errors.</param>
internal sealed record FleetSnapshot(
    TimeSpan Elapsed,
    int Count,
    IReadOnlyDictionary<GatewayPhase, int> Phases,
    IReadOnlyDictionary<string, int> AppStates,
    long Activated,
    TimeSpan? AllActivatedAfter,
    long Commands,
    IReadOnlyDictionary<string, long> Statuses,
    long Reports,
    long Errors,
    string? LastError);
