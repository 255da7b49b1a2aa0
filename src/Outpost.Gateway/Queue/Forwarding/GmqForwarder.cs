using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Device;
using Outpost.Gateway.Queue.Hosting;
using Outpost.Protocol.Records;

namespace Outpost.Gateway.Queue.Forwarding;

/// <summary>
/// GMQ's forwarder: moves queued values to the cloud's idempotent batch endpoint, exactly once, in capture order per
/// device+alias, fairly between devices. Registered by <see cref="GmqServices.AddGmq"/>; runs for the life of gwe.
/// </summary>
/// <remarks>
/// <code>
///  loop:
///   1. pending VMS activations (an app activated or wrote with X-Exosite-VMS while offline) → activate them
///   2. PeekBatchAsync(batch_values, batch_bytes): round-robin between devices, capture order within each
///      (nothing is removed yet: a crash here re-sends the same ids, which the cloud acknowledges without storing twice)
///   3. per device, concurrently: its CIK (activating a VMS identity first) → RecordBatchAsync → AckAsync(accepted ids)
///        401/403 → DeadLetterAsync(device, "cik rejected") (never dropped; `gwe gmq retry` requeues)
///        other 4xx → the batch split (by alias, then in halves) until the refused values are alone: only they go to
///                    dead letters with the cloud's reason, the rest is forwarded (one bad value must not hold back the
///                    device's good ones, nor bring them back with it on every retry)
///        429 (the device's rate limit) → that device held back until its Retry-After (else a backoff of its own);
///                    the next peeks leave it out, so the other devices keep forwarding; the link stays up
///        unreachable / 5xx → link down
///   4. sent → go again at once; empty → wait for new work (or idle_interval, or the end of a device's hold);
///      unreachable → back off exponentially with jitter, cut short when the cloud is seen answering again
/// </code>
/// </remarks>
internal sealed class GmqForwarder(
    MessageQueue queue,
    CredentialMap credentials,
    CloudLink link,
    GmqSettings settings,
    ForwarderSignals signals,
    TimeProvider time,
    ILogger<GmqForwarder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var start = settings.Current;
        GmqLog.ForwarderStarted(logger, start.BatchValues, start.BatchBytes, start.CloudUrl);
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                SendOutcome? outcome;
                try
                {
                    outcome = await PassAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A store or programming error: log it and try again later rather than stop forwarding for good.
                    GmqLog.ForwarderFailed(logger, ex);
                    outcome = SendOutcome.Unreachable;
                }

                var current = settings.Current;
                switch (outcome)
                {
                    case null:
                        failures = 0;
                        await signals.Work.WaitAsync(IdleWait(current), time, stoppingToken);
                        break;
                    case SendOutcome.Unreachable:
                        failures++;
                        var delay = current.Backoff.Delay(failures);
                        GmqLog.LinkDown(logger, link.Snapshot().LastError ?? "unknown error", delay);
                        await signals.LinkRestored.WaitAsync(delay, time, stoppingToken);
                        break;
                    default:
                        failures = 0;
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever was peeked and not acknowledged is simply sent again after the restart.
        }

        GmqLog.ForwarderStopped(logger);
    }

    /// <summary>idle_interval, or less when a held device's hold ends sooner: its values go as soon as it may send.</summary>
    private TimeSpan IdleWait(GmqOptions options)
    {
        var release = link.Holds.NextReleaseIn(time.GetUtcNow().ToUnixTimeMilliseconds());
        return release is { } next && next < options.IdleInterval ? next : options.IdleInterval;
    }

    /// <summary>One pass; null when there was nothing to do.</summary>
    private async Task<SendOutcome?> PassAsync(CancellationToken cancellationToken)
    {
        foreach (var pending in credentials.Pending())
        {
            if (await ActivateAsync(pending, cancellationToken) == SendOutcome.Unreachable)
            {
                // Offline before any peek: expired values must still leave on schedule (the peek would sweep them).
                await queue.SweepExpiredAsync(cancellationToken);
                return SendOutcome.Unreachable;
            }
        }

        var current = settings.Current;
        var held = link.Holds.HeldAt(time.GetUtcNow().ToUnixTimeMilliseconds());
        var batch = await queue.PeekBatchAsync(current.BatchValues, current.BatchBytes, held, cancellationToken);
        if (batch.Count == 0)
        {
            return null;
        }

        // GroupBy keeps each device's values in the order the peek gave them: capture order.
        var outcomes = await Task.WhenAll(batch
            .GroupBy(m => m.DeviceKey, StringComparer.Ordinal)
            .Select(group => SendAsync(group.Key, group.ToList(), cancellationToken)));
        return outcomes.Contains(SendOutcome.Unreachable) ? SendOutcome.Unreachable : SendOutcome.Sent;
    }

    private async Task<SendOutcome> SendAsync(string deviceKey, List<QueuedMessage> messages, CancellationToken cancellationToken)
    {
        var credential = credentials.Find(deviceKey);
        if (credential is null)
        {
            return await RejectAsync(deviceKey, "no credentials known for this device key", null, cancellationToken);
        }

        if (credential.Cik is null)
        {
            var activation = await ActivateAsync(credential, cancellationToken);
            if (activation != SendOutcome.Sent)
            {
                return activation;
            }

            credential = credentials.Find(deviceKey)!;
        }

        var client = link.ForwardingClient(deviceKey, credential.Cik!);
        try
        {
            return await SendPartAsync(deviceKey, client, messages, cancellationToken);
        }
        catch (DeviceApiException ex) when (ex.Kind == DeviceErrorKind.Unauthorized)
        {
            link.Succeeded(0, 0);
            if (credential.Vendor is not null)
            {
                // A VMS identity: forget the dead CIK, so `gwe gmq retry` activates it afresh.
                await credentials.SetCikAsync(credential, null, cancellationToken);
            }

            return await RejectAsync(deviceKey, $"cik rejected ({ex.StatusCode})", null, cancellationToken);
        }
        catch (DeviceApiException ex) when (ex is { Kind: DeviceErrorKind.Unavailable, StatusCode: 429 })
        {
            // This device's rate limit, not the link: hold back only it (the cloud says for how long), the rest go on.
            var retryAfter = (ex.InnerException as TransientStatusException)?.RetryAfter;
            var wait = link.Throttled(deviceKey, retryAfter, settings.Current);
            GmqLog.DeviceThrottled(logger, deviceKey, wait);
            return SendOutcome.Held;
        }
        catch (DeviceApiException ex) when (ex.Kind == DeviceErrorKind.Unavailable)
        {
            link.Failed(ex.Message, linkDown: ex.StatusCode is null or >= 500);
            return SendOutcome.Unreachable;
        }
    }

    /// <summary>
    /// Sends one device's values in order. The cloud refuses a whole batch for one bad value (an alias the product does
    /// not define, a value its format rejects). Outpost's cloud names that record (and whether its whole alias is
    /// refused): those go to dead letters and the rest is sent again. A cloud that does not name it gets the batch
    /// split — by alias, then in halves, each part in order — until each refused value is alone.
    /// A 401 or an unreachable cloud propagates: it concerns the device or the link, not a value.
    /// </summary>
    private async Task<SendOutcome> SendPartAsync(string deviceKey, DeviceClient client, List<QueuedMessage> messages, CancellationToken cancellationToken)
    {
        var outcome = SendOutcome.Sent;
        while (messages.Count > 0)
        {
            var records = messages.Select(m => new BatchRecord(m.MessageId, m.Alias, m.CapturedAtMs, m.Value)).ToList();
            try
            {
                var accepted = await client.RecordBatchAsync(records, cancellationToken);
                await queue.AckAsync(accepted as IReadOnlyCollection<string> ?? [.. accepted], cancellationToken);
                link.Succeeded(accepted.Count, 1);
                link.Holds.Release(deviceKey);
                return outcome;
            }
            catch (DeviceApiException ex) when (ex.Kind == DeviceErrorKind.Rejected)
            {
                link.Succeeded(0, 0);
                var reason = $"rejected by the cloud ({ex.StatusCode}): {ex.Message}";
                if (messages.Count == 1)
                {
                    await RejectAsync(deviceKey, reason, [messages[0].MessageId], cancellationToken);
                    return SendOutcome.DeadLettered;
                }

                // Outpost's cloud names the record it refused the batch for, and whether its whole alias is refused: set
                // exactly those aside and send the rest, in order — one request per bad value (per bad alias), not a
                // bisection's two per value. A cloud that does not say gets the split below.
                var at = messages.FindIndex(m => m.MessageId == ex.RefusedRecordId);
                if (at >= 0)
                {
                    var alias = messages[at].Alias;
                    var refused = ex.RefusedAliasWide ? messages.Where(m => m.Alias == alias).ToList() : [messages[at]];
                    var refusedIds = refused.Select(m => m.MessageId).ToHashSet(StringComparer.Ordinal);
                    await RejectAsync(deviceKey, reason, refusedIds, cancellationToken);
                    outcome = SendOutcome.DeadLettered;
                    messages = [.. messages.Where(m => !refusedIds.Contains(m.MessageId))];
                    continue;
                }
            }

            foreach (var part in Split(messages))
            {
                outcome = await SendPartAsync(deviceKey, client, part, cancellationToken) == SendOutcome.DeadLettered ? SendOutcome.DeadLettered : outcome;
            }

            return outcome;
        }

        return outcome;
    }

    /// <summary>A refused batch in smaller parts: one per alias when it holds several, else its two halves (order kept).</summary>
    internal static IEnumerable<List<QueuedMessage>> Split(List<QueuedMessage> messages)
    {
        var byAlias = messages.GroupBy(m => m.Alias, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        if (byAlias.Count > 1)
        {
            return byAlias;
        }

        var half = messages.Count / 2;
        return [messages[..half], messages[half..]];
    }

    /// <summary>Activates a pending VMS identity and saves its CIK; a refusal dead-letters its values.</summary>
    private Task<SendOutcome> ActivateAsync(StoredCredential credential, CancellationToken cancellationToken) =>
        credentials.InActivationTurnAsync(credential.DeviceKey, async () =>
        {
            // The app's own activation call may have had the turn and saved a CIK: nothing left to activate.
            if (credentials.Find(credential.DeviceKey) is { Cik: not null })
            {
                return SendOutcome.Sent;
            }

            return await ActivateInTurnAsync(credential, cancellationToken);
        }, cancellationToken);

    private async Task<SendOutcome> ActivateInTurnAsync(StoredCredential credential, CancellationToken cancellationToken)
    {
        try
        {
            var result = await link.ActivateAsync(credential.Vendor!, credential.Model!, credential.Serial!, cancellationToken);
            if (result.Status == ActivationStatus.Activated)
            {
                await credentials.SetCikAsync(credential, result.Cik, cancellationToken);
                return SendOutcome.Sent;
            }

            var reason = result.Status == ActivationStatus.AlreadyActivated
                ? "activation refused (409): the serial is already activated and GMQ does not hold its CIK"
                : "activation refused (404): unknown product or serial not allowed";

            // Not tried again on every pass: its values wait in dead letters until `gwe gmq retry` (or the app's own
            // activation call) asks for another attempt.
            credentials.MarkRefused(credential.DeviceKey);
            return await RejectAsync(credential.DeviceKey, reason, null, cancellationToken);
        }
        catch (DeviceApiException ex) when (ex.Kind == DeviceErrorKind.Unavailable)
        {
            link.Failed(ex.Message, linkDown: ex.StatusCode is null or >= 500);
            return SendOutcome.Unreachable;
        }
    }

    /// <summary>Dead-letters the device's values (all, or only <paramref name="messageIds"/>) and says why.</summary>
    private async Task<SendOutcome> RejectAsync(string deviceKey, string reason, IReadOnlyCollection<string>? messageIds, CancellationToken cancellationToken)
    {
        link.Failed(reason, linkDown: false);
        var moved = await queue.DeadLetterAsync(deviceKey, reason, messageIds, cancellationToken);
        if (messageIds is null)
        {
            // Logged with what moved: the device may have had nothing queued (an activation the cloud refused).
            GmqLog.DeviceRejected(logger, deviceKey, reason, moved);
        }

        return SendOutcome.DeadLettered;
    }
}
