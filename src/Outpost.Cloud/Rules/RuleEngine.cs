using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Outpost.Cloud.Alerts;
using Outpost.Cloud.Ingest;
using Outpost.Cloud.Registry;
using Outpost.Cloud.Stream;
using Outpost.Cloud.Webhooks;

namespace Outpost.Cloud.Rules;

/// <summary>
/// The rules engine: the I/O shell around <see cref="RuleEvaluator"/>. Called by <see cref="RuleEventConsumer"/>
/// with batches of the event stream, by <see cref="AbsenceMonitor"/> on its ticks, and by the rules API when rules change.
/// </summary>
/// <remarks>
/// <code>
///  events ─▶ 1. skip offsets already applied (the store's rule progress)
///            2. the product's enabled rules on that alias and source; facts (status, other aliases) and windows when needed
///            3. evaluate (pure) → open / clear / fire / refuse
///            4. writes through the write path (message id = rule + offset: exactly once), concurrently
///            5. one store transaction: firing states, alerts opened/cleared, webhook deliveries queued, progress offset
///            6. wake the webhook sender, which calls out on its own (a slow receiver never holds up steps 1–5)
/// </code>
/// State lives in memory (firing set, windows) and is reloaded from the store (windows from the stored history)
/// after a restart or a failed batch, so at-least-once delivery of events never changes a decision.
/// </remarks>
internal sealed class RuleEngine(
    IRuleStore store,
    IRegistryStore registry,
    IValueStore values,
    WritePath writePath,
    RuleSecrets secrets,
    LastSeenTracker lastSeen,
    DeliverySignal deliveries,
    TimeProvider clock,
    ILogger<RuleEngine> logger)
{
    private const string UpdateIntervalAlias = "update_interval";

    /// <summary>How long a batch with no effects may leave the stored progress behind (see <see cref="FinishAsync"/>).</summary>
    private static readonly TimeSpan IdleProgressInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<(string RuleId, string Serial)> _firing = [];

    /// <summary>The uncleared alert each firing opened: what its <c>rule.cleared</c> webhook names.</summary>
    private readonly Dictionary<(string RuleId, string Serial), (string Id, string Severity)> _firingAlerts = [];
    private readonly Dictionary<(string RuleId, string Serial), RuleWindow> _windows = [];
    private readonly Dictionary<(string ProductId, string Serial), TimeSpan?> _intervals = [];
    private Dictionary<(string ProductId, string Alias), List<CompiledRule>> _byAlias = [];
    private Dictionary<string, List<CompiledRule>> _absence = new(StringComparer.Ordinal);
    private volatile bool _rulesStale = true;
    private bool _stateLoaded;
    private long _progress;
    private long _progressStoredAt;
    private TaskCompletionSource _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The stream offset up to which effects are committed.</summary>
    public long Progress => Volatile.Read(ref _progress);

    /// <summary>Completes after the next batch or absence check is committed (for tests and diagnostics: await instead of sleeping).</summary>
    public Task NextAppliedAsync() => Volatile.Read(ref _applied).Task;

    /// <summary>Rules changed (API): reload them before the next batch or tick.</summary>
    public void Invalidate() => _rulesStale = true;

    public async Task ApplyEventsAsync(IReadOnlyList<DeviceEvent> events, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureLoadedAsync(cancellationToken);
            var plan = new RulePlan();
            var writes = new List<RuleWrite>();
            var last = _progress;
            foreach (var e in events)
            {
                if (e.Offset <= _progress)
                {
                    continue; // applied before a crash or a failed offset commit: at-least-once, effects once
                }

                last = e.Offset;
                if (e.Alias == UpdateIntervalAlias)
                {
                    _intervals[(e.ProductId, e.Serial)] = Interval(e.Value);
                }

                if (!_byAlias.TryGetValue((e.ProductId, e.Alias), out var rules))
                {
                    continue;
                }

                DeviceFacts? facts = null;
                foreach (var rule in rules)
                {
                    var definition = rule.Definition;
                    if (!definition.Sources.Contains(e.Source))
                    {
                        continue;
                    }

                    if (definition.Require is not null || definition.FactAliases.Count > 0)
                    {
                        facts ??= await FactsAsync(e.ProductId, e.Serial, rules, cancellationToken);
                    }

                    var window = definition.WindowFunction is { } function ? await WindowAsync(rule, function, e, cancellationToken) : null;
                    var firing = _firing.Contains((rule.Id, e.Serial));
                    var outcome = RuleEvaluator.Evaluate(definition, e.Value, e.Ts, e.Offset, window, firing, facts ?? DeviceFacts.None, out var compared);
                    Carry(outcome, rule, e.Serial, e.Alias, compared?.Text ?? e.Value, StoredTime.Of(e.Ts),
                        e.Offset.ToString(CultureInfo.InvariantCulture), plan, writes);
                }
            }

            await FinishAsync(plan, writes, last > _progress ? last : null, cancellationToken);
        }
        catch
        {
            _stateLoaded = false; // memory may be ahead of the store: reload before the retry
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Opens absence alerts for devices not seen for N × their update_interval, and clears them when they are back.</summary>
    public async Task CheckAbsenceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureLoadedAsync(cancellationToken);
            var now = clock.GetUtcNow();
            var plan = new RulePlan();
            var writes = new List<RuleWrite>();
            foreach (var (productId, rules) in _absence)
            {
                var devices = await registry.ListDevicesAsync(productId, new DeviceQuery(Status: DeviceStatus.Activated, Limit: int.MaxValue), cancellationToken);
                var present = devices.Select(d => d.Serial).ToHashSet(StringComparer.Ordinal);
                foreach (var rule in rules)
                {
                    // A device disabled or deleted while away is no longer expected to report: its absence clears.
                    foreach (var (_, serial) in _firing.Where(k => k.RuleId == rule.Id && !present.Contains(k.Serial)).ToList())
                    {
                        Carry(RuleOutcome.Clear, rule, serial, string.Empty, "gone", now, "gone", plan, writes);
                    }
                }

                foreach (var device in devices)
                {
                    var seen = new[] { lastSeen.Pending(device.Id), device.LastSeen, device.Activated }.Max() ?? device.Created;
                    var interval = await IntervalAsync(productId, device, cancellationToken);
                    var seenText = seen.ToString("O", CultureInfo.InvariantCulture);
                    foreach (var rule in rules)
                    {
                        var absent = rule.Definition.Absence!.IsAbsent(seen, interval, now);
                        var firing = _firing.Contains((rule.Id, device.Serial));
                        var outcome = absent && !firing ? RuleOutcome.Open : !absent && firing ? RuleOutcome.Clear : RuleOutcome.None;
                        Carry(outcome, rule, device.Serial, string.Empty, seenText, now,
                            (absent ? "absent:" : "back:") + seen.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), plan, writes);
                    }
                }
            }

            await FinishAsync(plan, writes, null, cancellationToken);
        }
        catch
        {
            _stateLoaded = false;
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Turns an outcome into effects: firing state, alerts, writes and webhook deliveries.</summary>
    private void Carry(RuleOutcome outcome, CompiledRule rule, string serial, string alias, string value, DateTimeOffset ts, string originKey, RulePlan plan, List<RuleWrite> writes)
    {
        if (outcome == RuleOutcome.None)
        {
            return;
        }

        var definition = rule.Definition;
        var now = clock.GetUtcNow();
        var key = (rule.Id, serial);
        switch (outcome)
        {
            case RuleOutcome.Open:
                _firing.Add(key);
                plan.Fire(rule.Id, serial, now.ToUnixTimeMilliseconds());
                break;
            case RuleOutcome.Clear:
                _firing.Remove(key);
                plan.Unfire(rule.Id, serial);
                if (definition.Actions.Any(a => a.Alert is not null))
                {
                    plan.Clear(rule.Id, serial);
                }

                break;
        }

        var actions = outcome == RuleOutcome.Refuse ? definition.Otherwise : definition.Actions;
        var type = outcome switch
        {
            RuleOutcome.Open => "rule.opened",
            RuleOutcome.Clear => "rule.cleared",
            RuleOutcome.Fire => "rule.fired",
            _ => "rule.refused",
        };

        // The alert a webhook names, whatever the order of the actions: the one this firing opens (the first, when it opens
        // several), or on a clear the one the firing opened and this clears.
        var alertIds = new string?[actions.Count];
        (string Id, string Severity)? named = null;
        if (outcome == RuleOutcome.Clear)
        {
            named = _firingAlerts.Remove(key, out var cleared) ? cleared : null;
        }
        else
        {
            for (var i = 0; i < actions.Count; i++)
            {
                if (actions[i].Alert is { } alert)
                {
                    alertIds[i] = "al_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
                    named ??= (alertIds[i]!, alert.Severity);
                }
            }

            if (outcome == RuleOutcome.Open && named is { } opened)
            {
                _firingAlerts[key] = opened;
            }
        }

        for (var i = 0; i < actions.Count; i++)
        {
            var origin = $"{rule.Id}:{serial}:{originKey}:{outcome}:{i}";
            var action = actions[i];
            if (action.Alert is { } alert && outcome != RuleOutcome.Clear)
            {
                var message = RuleTemplate.Fill(alert.Message ?? DefaultMessage(definition, outcome), definition.Name, rule.ProductId, serial, alias, value);
                plan.Open(new Alert(alertIds[i]!, rule.ProductId, rule.Id, definition.Name, serial, alert.Severity, message, value,
                    AlertStates.Open, now, null, null, null), origin);
            }
            else if (action.Write is { } write && write.OnClear == (outcome == RuleOutcome.Clear))
            {
                writes.Add(new RuleWrite(definition.Name, rule.ProductId, write.Serial ?? serial, write.Alias,
                    RuleTemplate.Fill(write.Value, definition.Name, rule.ProductId, serial, alias, value), "rule:" + origin));
            }
            else if (action.Webhook is { } webhook)
            {
                var id = "wh_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
                var body = JsonSerializer.Serialize(new WebhookPayload(id, type, rule.Id, definition.Name, rule.ProductId, serial, alias, value, ts, named?.Id, named?.Severity),
                    WebhookJson.Options);
                plan.Deliver(new WebhookDelivery(id, rule.ProductId, rule.Id, type, webhook.Url, body,
                    webhook.Secret is null ? null : WebhookSignature.Sign(webhook.Secret, body), 0, webhook.MaxAttempts, webhook.Backoff, now,
                    DeliveryStates.Pending, null, now, now), origin);
            }
        }
    }

    private static string DefaultMessage(RuleDefinition rule, RuleOutcome outcome) => rule switch
    {
        { Absence: not null } => "{{serial}} not seen since {{value}}",
        _ when outcome == RuleOutcome.Refuse => "{{rule}}: {{alias}}={{value}} refused for {{serial}}",
        { Path: { } path } => $"{{{{rule}}}}: {{{{alias}}}} {path.Text} = {{{{value}}}}",
        _ => "{{rule}}: {{alias}} = {{value}}",
    };

    private async Task FinishAsync(RulePlan plan, List<RuleWrite> writes, long? progress, CancellationToken cancellationToken)
    {
        if (writes.Count > 0)
        {
            await Task.WhenAll(writes.Select(w => WriteAsync(w, cancellationToken)));
        }

        // A batch with no effects (no state change, no write; the usual case: most values match no rule) needs no
        // durable progress of its own: replayed after a crash it decides the same nothing again. Storing it anyway was
        // one fsync'd transaction per group of writes, contending with the write path for the store's write lock; now
        // it is stored with the next batch that has effects, or after a second at most.
        var storeProgress = progress is not null
            && (!plan.IsEmpty || writes.Count > 0 || clock.GetElapsedTime(_progressStoredAt) >= IdleProgressInterval);
        await store.ApplyAsync(plan, storeProgress ? progress : null, clock.GetUtcNow(), cancellationToken);
        if (storeProgress)
        {
            _progressStoredAt = clock.GetTimestamp();
        }

        if (progress is { } offset)
        {
            Volatile.Write(ref _progress, Math.Max(_progress, offset));
        }

        if (plan.HasDeliveries)
        {
            deliveries.Signal();
        }

        Interlocked.Exchange(ref _applied, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private async Task WriteAsync(RuleWrite write, CancellationToken cancellationToken)
    {
        var product = await registry.GetProductAsync(write.ProductId, cancellationToken);
        var device = product is null ? null : await registry.GetDeviceAsync(write.ProductId, write.Serial, cancellationToken);
        if (product is null || device is null)
        {
            RulesLog.WriteRefused(logger, write.RuleName, write.Alias, write.Serial, "no such device");
            return;
        }

        var point = new ValuePoint(write.Alias, clock.GetUtcNow().ToUnixTimeMilliseconds(), write.Value);
        var outcome = await writePath.WriteAsync(product, device.Id, device.Serial, [point], [write.MessageId], EventKinds.Write, WriteSource.Rule, cancellationToken);
        if (!outcome.Ok)
        {
            RulesLog.WriteRefused(logger, write.RuleName, write.Alias, write.Serial, outcome.Error!);
        }
    }

    private async Task<DeviceFacts> FactsAsync(string productId, string serial, List<CompiledRule> rules, CancellationToken cancellationToken)
    {
        var device = await registry.GetDeviceAsync(productId, serial, cancellationToken);
        if (device is null)
        {
            return new DeviceFacts("deleted", new Dictionary<string, string>());
        }

        var aliases = rules.SelectMany(r => r.Definition.FactAliases).Distinct(StringComparer.Ordinal).ToList();
        var latest = await values.ReadLatestAsync(device.Id, aliases, cancellationToken);
        return new DeviceFacts(RegistryText.Of(device.Status), latest.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal));
    }

    /// <summary>The device's window for the rule; after a restart it is rebuilt from the stored history up to this event.</summary>
    private async Task<RuleWindow> WindowAsync(CompiledRule rule, WindowFunction function, DeviceEvent e, CancellationToken cancellationToken)
    {
        if (_windows.TryGetValue((rule.Id, e.Serial), out var window))
        {
            return window;
        }

        window = new RuleWindow(function, rule.Definition.WindowLength);
        if (await registry.GetDeviceAsync(e.ProductId, e.Serial, cancellationToken) is { } device)
        {
            var history = await values.ReadHistoryAsync(device.Id, e.Alias, e.Ts - (long)rule.Definition.WindowLength.TotalMilliseconds, e.Ts, 100_000, cancellationToken);
            for (var i = history.Count - 1; i >= 0; i--)
            {
                if (RuleEvaluator.Extract(rule.Definition, history[i].Value) is { } subject)
                {
                    window.Add(0, history[i].TimestampMs, subject.Number);
                }
            }

            window.Skip(e.Offset); // this event is part of the history just read
        }

        _windows[(rule.Id, e.Serial)] = window;
        return window;
    }

    private async Task<TimeSpan?> IntervalAsync(string productId, Device device, CancellationToken cancellationToken)
    {
        if (_intervals.TryGetValue((productId, device.Serial), out var interval))
        {
            return interval;
        }

        var product = await registry.GetProductAsync(productId, cancellationToken);
        if (product?.FindResource(UpdateIntervalAlias) is not null)
        {
            var latest = await values.ReadLatestAsync(device.Id, [UpdateIntervalAlias], cancellationToken);
            interval = latest.TryGetValue(UpdateIntervalAlias, out var v) ? Interval(v.Value) : null;
        }

        _intervals[(productId, device.Serial)] = interval;
        return interval;
    }

    private static TimeSpan? Interval(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 1 && seconds < 1e9
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_rulesStale)
        {
            _rulesStale = false;
            var byAlias = new Dictionary<(string, string), List<CompiledRule>>();
            var absence = new Dictionary<string, List<CompiledRule>>(StringComparer.Ordinal);
            foreach (var stored in await store.ListRulesAsync(null, cancellationToken))
            {
                if (!stored.Enabled)
                {
                    continue;
                }

                if (!RuleParser.TryParse(secrets.Reveal(stored.Definition), null, out var definition, out var error))
                {
                    RulesLog.RuleSkipped(logger, stored.Id, error);
                    continue;
                }

                var rule = new CompiledRule(stored.Id, stored.ProductId, definition!);
                if (definition!.Absence is not null)
                {
                    (absence.TryGetValue(stored.ProductId, out var list) ? list : absence[stored.ProductId] = []).Add(rule);
                }
                else
                {
                    var key = (stored.ProductId, definition.Alias!);
                    (byAlias.TryGetValue(key, out var list) ? list : byAlias[key] = []).Add(rule);
                }
            }

            _byAlias = byAlias;
            _absence = absence;
            _stateLoaded = false; // rules disabled or deleted meanwhile dropped their firing states in the store
        }

        if (!_stateLoaded)
        {
            _firing.Clear();
            _firingAlerts.Clear();
            _windows.Clear();
            foreach (var key in await store.ReadFiringAsync(cancellationToken))
            {
                _firing.Add(key);
            }

            foreach (var (ruleId, serial, alertId, severity) in await store.ReadFiringAlertsAsync(cancellationToken))
            {
                _firingAlerts.TryAdd((ruleId, serial), (alertId, severity));
            }

            _progress = await store.ReadProgressAsync(cancellationToken);
            _stateLoaded = true;
            RulesLog.Loaded(logger, _byAlias.Values.Sum(l => l.Count) + _absence.Values.Sum(l => l.Count), _firing.Count, _progress);
        }
    }
}
