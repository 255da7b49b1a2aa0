using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Device;
using Outpost.Gateway.Queue.Forwarding;
using Outpost.Gateway.Queue.Hosting;
using Outpost.Protocol.Forms;
using Outpost.Protocol.Http;

namespace Outpost.Gateway.Queue.Http;

/// <summary>
/// The local API's handlers: the device-API subset an app already knows (so it only changes its host to use GMQ),
/// plus status, dead letters and reread. Called by <see cref="GmqHttpFront"/>'s routes.
/// </summary>
/// <remarks>
/// A write:
/// <code>
///  1. identity: X-Exosite-CIK (40 hex) or X-Exosite-VMS "vendor model serial" → the queue's device key
///  2. body: a form (FormCodec: ordered, strict UTF-8 and %-escapes) of at most 8 MiB, each value ≤ 64 KiB
///  3. MessageQueue.EnqueueAsync: completes after the group commit's fsync
///  4. 204 — only now, and at once; 507 when the queue is full under `reject`; nothing is stored on any 4xx
/// </code>
/// </remarks>
internal sealed class GmqHandlers(
    MessageQueue queue,
    CredentialMap credentials,
    CloudLink link,
    LastKnownValues lastKnown,
    ForwarderSignals signals,
    GmqSettings settings,
    IServiceProvider services,
    TimeProvider time)
{
    /// <summary>The largest request body: many values per call are fine, a runaway client is not.</summary>
    public const long MaxBodyBytes = 8 * 1024 * 1024;

    private const string StaleHeader = "X-Outpost-Stale";

    /// <summary>One device's dead letters listed one by one: the first thousand unless asked for more.</summary>
    private const int DefaultDeadLetterValues = 1000;

    private const int MaxDeadLetterValues = 100_000;

    private const string TtlHeader = "X-Outpost-TTL";

    /// <summary>The longest TTL accepted: ten years, far beyond any backlog, short of overflowing epoch milliseconds.</summary>
    private const long MaxTtlSeconds = 10L * 366 * 24 * 3600;

    public async Task ActivateAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var form = await ReadFormAsync(context);
        if (form is null)
        {
            return;
        }

        string? vendor = null, model = null, serial = null;
        foreach (var field in form)
        {
            switch (field.Key)
            {
                case "vendor": vendor = field.Value; break;
                case "model": model = field.Value; break;
                case "sn" or "id": serial = field.Value; break;
            }
        }

        vendor = string.IsNullOrEmpty(vendor) ? model : vendor;
        model = string.IsNullOrEmpty(model) ? vendor : model;
        if (string.IsNullOrEmpty(vendor) || string.IsNullOrEmpty(serial) || HasSpace(vendor) || HasSpace(model!) || HasSpace(serial))
        {
            await GmqResponse.WriteAsync(context, 400, "activate: give vendor=<pid>&model=<pid>&sn=<serial> (no spaces)");
            return;
        }

        var key = CredentialMap.KeyForVms(vendor, model!, serial);
        credentials.ClearRefused(key);

        // The cloud first, even when a CIK is cached: a device disabled and re-enabled in the cloud gets a new CIK on
        // activation and its old one stays void, so answering from the cache would hand the app a dead CIK for good.
        // The cache answers when the cloud cannot (offline) or says "already activated" (by GMQ, which holds the CIK).
        var cached = credentials.CikFor(key);
        await credentials.RememberVmsAsync(vendor, model!, serial, ct);
        if (cached is not null && link.Snapshot().State == "down")
        {
            // Known offline: answer from the cache at once rather than after the cloud call's timeout (longer than many
            // apps wait); the next activation once the link is up asks the cloud again.
            await GmqResponse.WriteAsync(context, 200, cached);
            return;
        }

        try
        {
            // In the identity's activation turn: the forwarder may be activating it (pending since RememberVmsAsync);
            // after its turn the cloud says "already activated" and the CIK it saved answers.
            var (status, answer) = await credentials.InActivationTurnAsync(key, async () =>
            {
                var result = await link.ActivateAsync(vendor, model!, serial, ct);
                switch (result.Status)
                {
                    case ActivationStatus.Activated:
                        await credentials.SetCikAsync(credentials.Find(key)!, result.Cik, ct);
                        return (200, result.Cik);
                    case ActivationStatus.AlreadyActivated when credentials.CikFor(key) is { } known:
                        return (200, known);
                    case ActivationStatus.AlreadyActivated:
                        credentials.MarkRefused(key);
                        return (409, "activate: the serial is already activated");
                    default:
                        credentials.MarkRefused(key);
                        return (404, "activate: unknown product or serial not allowed");
                }
            }, ct);
            await GmqResponse.WriteAsync(context, status, answer);
        }
        catch (DeviceApiException ex) when (ex.Kind == DeviceErrorKind.Unavailable)
        {
            // Offline: the cached CIK, else the forwarder activates it when the cloud is back and the app asks again.
            link.Failed(ex.Message, linkDown: ex.StatusCode is null or >= 500);
            signals.Work.Set();
            await GmqResponse.WriteAsync(context, cached is null ? 204 : 200, cached);
        }
    }

    /// <summary><c>POST /onep:v1/stack/alias</c>: values stamped with GMQ's clock; a query makes it a hybrid write+read.</summary>
    public async Task WriteAsync(HttpContext context)
    {
        var identity = await IdentifyAsync(context);
        var form = identity is null ? null : await ReadFormAsync(context);
        if (form is null || !TryReadTtl(context, out var ttl))
        {
            await AnswerBadTtlAsync(context, form);
            return;
        }

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var values = new List<QueuedValue>(form.Count);
        foreach (var field in form)
        {
            if (field.Value is null)
            {
                await GmqResponse.WriteAsync(context, 400, $"write: '{Shorten(field.Key)}' has no value (send alias=value pairs as a form)");
                return;
            }

            values.Add(new QueuedValue(identity!.DeviceKey, field.Key, nowMs, field.Value, ttl));
        }

        if (!await EnqueueAsync(context, values))
        {
            return;
        }

        if (context.Request.QueryString.HasValue)
        {
            await ReadAsync(context, identity!);
            return;
        }

        await GmqResponse.WriteAsync(context, 204, null);
    }

    /// <summary><c>POST /onep:v1/stack/record</c> (<c>alias=a&amp;ts=v&amp;…&amp;alias=b&amp;…</c>) or the per-alias form.</summary>
    public async Task RecordAsync(HttpContext context, string? fixedAlias)
    {
        var identity = await IdentifyAsync(context);
        var form = identity is null ? null : await ReadFormAsync(context);
        if (form is null || !TryReadTtl(context, out var ttl))
        {
            await AnswerBadTtlAsync(context, form);
            return;
        }

        var values = new List<QueuedValue>(form.Count);
        var alias = fixedAlias;
        foreach (var field in form)
        {
            if (fixedAlias is null && field.Key == "alias")
            {
                alias = field.Value;
                continue;
            }

            if (string.IsNullOrEmpty(alias))
            {
                await GmqResponse.WriteAsync(context, 400, "record: name the alias first (alias=<name>&<timestamp>=<value>…)");
                return;
            }

            if (!long.TryParse(field.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is 0 or > 253402300799)
            {
                await GmqResponse.WriteAsync(context, 400, $"record: '{Shorten(field.Key)}' is not an epoch timestamp in seconds");
                return;
            }

            if (field.Value is null)
            {
                await GmqResponse.WriteAsync(context, 400, $"record: timestamp {field.Key} has no value");
                return;
            }

            values.Add(new QueuedValue(identity!.DeviceKey, alias, seconds * 1000, field.Value, ttl));
        }

        if (values.Count == 0)
        {
            await GmqResponse.WriteAsync(context, 400, "record: nothing to record (alias=<name>&<timestamp>=<value>…)");
            return;
        }

        if (await EnqueueAsync(context, values))
        {
            await GmqResponse.WriteAsync(context, 204, null);
        }
    }

    /// <summary><c>GET /onep:v1/stack/alias?a&amp;b</c>: read or long poll, through to the cloud; stale when offline.</summary>
    public async Task ReadAsync(HttpContext context)
    {
        var identity = await IdentifyAsync(context);
        if (identity is not null)
        {
            await ReadAsync(context, identity);
        }
    }

    public async Task StatusAsync(HttpContext context)
    {
        // One read of link and holds: a 429 landing between two reads showed a hold on an "unknown" link, or without
        // its last_error.
        var (linkStatistics, held) = link.SnapshotWithHolds();
        var status = new GmqStatus(queue.Statistics, linkStatistics, link.Bandwidth(), held);
        await GmqResponse.WriteAsync(context, 200, JsonSerializer.Serialize(status, GmqJsonContext.Default.GmqStatus), GmqResponse.Json);
    }

    /// <summary>
    /// <c>GET /dead-letters</c>: per device and reason; with <c>?device=KEY</c> that device's values one by one (the first
    /// <c>limit</c>, default 1000), with the message ids retry and purge take.
    /// </summary>
    public async Task DeadLettersAsync(HttpContext context)
    {
        var device = context.Request.Query["device"].ToString();
        if (device.Length > 0)
        {
            var limitText = context.Request.Query["limit"].ToString();
            var limit = DefaultDeadLetterValues;
            if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxDeadLetterValues))
            {
                await GmqResponse.WriteAsync(context, 400, $"dead-letters: limit must be a whole number from 1 to {MaxDeadLetterValues}");
                return;
            }

            var values = await queue.ListDeadLetterValuesAsync(device, limit, context.RequestAborted);
            if (values.Count == 0)
            {
                await GmqResponse.WriteAsync(context, 404, $"dead-letters: no dead letters of '{Shorten(device)}' (GET /dead-letters lists the device keys)");
                return;
            }

            await GmqResponse.WriteAsync(context, 200, JsonSerializer.Serialize([.. values], GmqJsonContext.Default.ListDeadLetterValue), GmqResponse.Json);
            return;
        }

        var list = await queue.ListDeadLettersAsync(context.RequestAborted);
        await GmqResponse.WriteAsync(context, 200, JsonSerializer.Serialize([.. list], GmqJsonContext.Default.ListDeadLetterSummary), GmqResponse.Json);
    }

    /// <summary>
    /// <c>POST /dead-letters/retry</c>: requeue and forward again — every dead letter, or those <c>device=KEY</c> and/or
    /// <c>id=ID</c> (repeatable) name (query or form).
    /// </summary>
    public async Task RetryDeadLettersAsync(HttpContext context)
    {
        var selection = await ReadSelectionAsync(context, "retry", explicitAll: false);
        if (selection is null)
        {
            return;
        }

        var change = await queue.RetryDeadLettersAsync(selection, context.RequestAborted);
        if (change.NotFound is { } missing)
        {
            await GmqResponse.WriteAsync(context, 404, "retry: " + missing);
            return;
        }

        // Another activation only for the identities whose values it requeued: a refused retry changes nothing, and
        // a retry of one device's values leaves the other refused identities alone.
        foreach (var deviceKey in change.DeviceKeys ?? [])
        {
            credentials.ClearRefused(deviceKey);
        }

        signals.Work.Set();
        signals.LinkRestored.Set();
        await GmqResponse.WriteAsync(context, 200, JsonSerializer.Serialize(new DeadLetterRetry(change.Count), GmqJsonContext.Default.DeadLetterRetry), GmqResponse.Json);
    }

    /// <summary>
    /// <c>POST /dead-letters/purge</c>: remove dead letters for good (counted as dropped, <c>purged</c>). Explicit:
    /// <c>device=KEY</c> and/or <c>id=ID</c> (repeatable), or <c>all=true</c>; all or nothing.
    /// </summary>
    public async Task PurgeDeadLettersAsync(HttpContext context)
    {
        var selection = await ReadSelectionAsync(context, "purge", explicitAll: true);
        if (selection is null)
        {
            return;
        }

        var change = await queue.PurgeDeadLettersAsync(selection, context.RequestAborted);
        if (change.NotFound is { } missing)
        {
            await GmqResponse.WriteAsync(context, 404, "purge: " + missing);
            return;
        }

        await GmqResponse.WriteAsync(context, 200, JsonSerializer.Serialize(new DeadLetterPurge(change.Count, change.Bytes), GmqJsonContext.Default.DeadLetterPurge), GmqResponse.Json);
    }

    /// <summary><c>POST /reread</c>: reload <c>[gmq]</c>; batch sizes, backoff and intervals apply at once.</summary>
    public async Task RereadAsync(HttpContext context)
    {
        if (services.GetService<IGmqConfigSource>() is not { } source)
        {
            await GmqResponse.WriteAsync(context, 200, "reread: no configuration source; nothing to reload");
            return;
        }

        GmqOptions next;
        try
        {
            next = await source.LoadAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
        {
            await GmqResponse.WriteAsync(context, 400, "reread: " + ex.Message);
            return;
        }

        var errors = next.Validate();
        if (errors.Count > 0)
        {
            await GmqResponse.WriteAsync(context, 400, "reread: " + string.Join(" ", errors));
            return;
        }

        var restart = settings.Apply(next);
        signals.Work.Set();
        await GmqResponse.WriteAsync(context, 200, restart.Count == 0 ? "reread: applied" : "reread: applied; restart gwe to change " + string.Join(", ", restart));
    }

    private async Task ReadAsync(HttpContext context, AppIdentity identity)
    {
        var ct = context.RequestAborted;
        var aliases = FormCodec.Parse(context.Request.QueryString.Value ?? string.Empty);
        if (!aliases.Ok || aliases.Fields.Count == 0)
        {
            await GmqResponse.WriteAsync(context, 400, "read: name the aliases in the query (?a&b)");
            return;
        }

        var names = aliases.Fields.Select(f => f.Key).Distinct(StringComparer.Ordinal).ToList();
        var cik = identity.Cik ?? credentials.CikFor(identity.DeviceKey);
        var requestTimeout = context.Request.Headers["Request-Timeout"].ToString();
        if (requestTimeout.Length > 0)
        {
            await LongPollAsync(context, identity, cik, names, requestTimeout);
            return;
        }

        if (cik is not null)
        {
            try
            {
                var values = await link.ReadingClient(identity.DeviceKey, cik).ReadAsync(names, ct);
                link.Succeeded(0, 0);
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                foreach (var (alias, value) in values)
                {
                    lastKnown.Observe(identity.DeviceKey, alias, now, value);
                }

                await WriteValuesAsync(context, names, values, stale: false);
                return;
            }
            catch (DeviceApiException ex) when (ex.Kind == DeviceErrorKind.Unauthorized)
            {
                link.Succeeded(0, 0);
                await GmqResponse.WriteAsync(context, 401, "unauthorized: the cloud rejected this device's CIK");
                return;
            }
            catch (DeviceApiException ex) when (ex.Kind == DeviceErrorKind.Rejected)
            {
                await GmqResponse.WriteAsync(context, ex.StatusCode ?? 400, ex.Message);
                return;
            }
            catch (DeviceApiException ex) when (ex.Kind == DeviceErrorKind.Unavailable)
            {
                link.Failed(ex.Message, linkDown: ex.StatusCode is null or >= 500);
            }
        }

        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (lastKnown.TryGet(identity.DeviceKey, name, out var value))
            {
                known[name] = value;
            }
        }

        await WriteValuesAsync(context, names, known, stale: true);
    }

    private async Task LongPollAsync(HttpContext context, AppIdentity identity, string? cik, List<string> names, string requestTimeout)
    {
        var ct = context.RequestAborted;
        if (names.Count != 1 || !long.TryParse(requestTimeout, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            await GmqResponse.WriteAsync(context, 400, "long poll: one alias and Request-Timeout in milliseconds");
            return;
        }

        // One that is no time at all is the app's mistake, answered as the cloud answers it (a garbage header was
        // taken as absent, and epoch seconds past 9999 threw).
        if (!TryIfModifiedSince(context.Request, out var since))
        {
            await GmqResponse.WriteAsync(context, 400, "If-Modified-Since must be an HTTP-date (Fri, 15 Jun 2018 19:04:13 GMT) or epoch seconds");
            return;
        }

        var timeout = TimeSpan.FromMilliseconds(Math.Min(ms, 300_000));
        var started = time.GetTimestamp();
        if (cik is not null)
        {
            try
            {
                var result = await link.ReadingClient(identity.DeviceKey, cik).WaitAsync(names[0], timeout, since, ct);
                link.Succeeded(0, 0);
                if (!result.Changed)
                {
                    await GmqResponse.WriteAsync(context, 304, null);
                    return;
                }

                lastKnown.Observe(identity.DeviceKey, names[0], time.GetUtcNow().ToUnixTimeMilliseconds(), result.Value!);
                if (result.Timestamp is { } at)
                {
                    context.Response.Headers.LastModified = at.ToString("r", CultureInfo.InvariantCulture);
                }

                await GmqResponse.WriteAsync(context, 200, FormCodec.Encode([new(names[0], result.Value!)]));
                return;
            }
            catch (DeviceApiException ex) when (ex.Kind == DeviceErrorKind.Unauthorized)
            {
                await GmqResponse.WriteAsync(context, 401, "unauthorized: the cloud rejected this device's CIK");
                return;
            }
            catch (DeviceApiException ex) when (ex.Kind is DeviceErrorKind.Unavailable or DeviceErrorKind.Rejected)
            {
                link.Failed(ex.Message, linkDown: ex.Kind == DeviceErrorKind.Unavailable && ex.StatusCode is null or >= 500);
            }
        }

        // Offline: answering at once would make the app's poll loop spin; wait out its timeout, then "no change".
        var left = timeout - time.GetElapsedTime(started);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, time, ct);
        }

        context.Response.Headers[StaleHeader] = "true";
        await GmqResponse.WriteAsync(context, 304, null);
    }

    /// <summary>The header as the cloud reads it (<see cref="HttpTime"/>): absent is null; false when it is no time at all.</summary>
    private static bool TryIfModifiedSince(HttpRequest request, out DateTimeOffset? since)
    {
        since = null;
        var header = request.Headers.IfModifiedSince.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return true;
        }

        if (!HttpTime.TryParse(header, out var ms))
        {
            return false;
        }

        since = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return true;
    }

    private static async Task WriteValuesAsync(HttpContext context, List<string> names, IReadOnlyDictionary<string, string> values, bool stale)
    {
        if (stale)
        {
            context.Response.Headers[StaleHeader] = "true";
        }

        var pairs = names.Where(values.ContainsKey).Select(n => new KeyValuePair<string, string>(n, values[n])).ToList();
        await GmqResponse.WriteAsync(context, pairs.Count == 0 ? 204 : 200, pairs.Count == 0 ? null : FormCodec.Encode(pairs));
    }

    /// <summary>Enqueues and answers any refusal; true when the values are durably queued.</summary>
    private async Task<bool> EnqueueAsync(HttpContext context, List<QueuedValue> values)
    {
        foreach (var value in values)
        {
            if (System.Text.Encoding.UTF8.GetByteCount(value.Value) > MessageQueue.MaxValueBytes)
            {
                await GmqResponse.WriteAsync(context, 413, $"the value of '{Shorten(value.Alias)}' is over {MessageQueue.MaxValueBytes / 1024} KiB");
                return false;
            }
        }

        if (values.Count == 0)
        {
            await GmqResponse.WriteAsync(context, 400, "write: nothing to write (send alias=value pairs as a form)");
            return false;
        }

        // Not the request's token: once handed to the queue the write completes anyway, and the answer must say so.
        EnqueueResult result;
        try
        {
            result = await queue.EnqueueAsync(values, CancellationToken.None);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            // The commit failed and was rolled back: nothing of this write is stored, and the app must hear so. A full
            // disk (SQLITE_FULL) is the one an app can wait out, like a full queue.
            await GmqResponse.WriteAsync(context, ex.SqliteErrorCode == 13 ? 507 : 503,
                ex.SqliteErrorCode == 13 ? "gmq: the disk is full: nothing was stored" : "gmq: the queue could not store the values: " + ex.Message);
            return false;
        }

        switch (result.Status)
        {
            case EnqueueStatus.Accepted:
                foreach (var value in values)
                {
                    lastKnown.Observe(value.DeviceKey, value.Alias, value.CapturedAtMs, value.Value);
                }

                signals.Work.Set();
                return true;
            case EnqueueStatus.QueueFull or EnqueueStatus.DiskFull:
                await GmqResponse.WriteAsync(context, 507, "gmq: " + result.Error);
                return false;
            default:
                await GmqResponse.WriteAsync(context, 400, "gmq: " + result.Error);
                return false;
        }
    }

    /// <summary>
    /// <c>X-Outpost-TTL: &lt;seconds&gt;</c> on a write or record: the values' time to live in GMQ (counted from
    /// acceptance); absent = kept until forwarded (or dropped by a bound). False when the header is malformed.
    /// </summary>
    private static bool TryReadTtl(HttpContext context, out TimeSpan? ttl)
    {
        ttl = null;
        var header = context.Request.Headers[TtlHeader].ToString().Trim();
        if (header.Length == 0)
        {
            return true;
        }

        if (!long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > MaxTtlSeconds)
        {
            return false;
        }

        ttl = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>After <see cref="TryReadTtl"/> failed on a request whose form was fine: the 400 (nothing stored).</summary>
    private static Task AnswerBadTtlAsync(HttpContext context, IReadOnlyList<FormField>? form) =>
        form is null
            ? Task.CompletedTask
            : GmqResponse.WriteAsync(context, 400, $"{TtlHeader} must be a whole number of seconds from 1 to {MaxTtlSeconds}");

    /// <summary>The app's identity from its headers; answers 400/401 itself and returns null when there is none.</summary>
    private async Task<AppIdentity?> IdentifyAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var cik = context.Request.Headers["X-Exosite-CIK"].ToString().Trim();
        if (cik.Length > 0)
        {
            if (!DeviceIdentity.IsCik(cik))
            {
                await GmqResponse.WriteAsync(context, 401, "unauthorized: X-Exosite-CIK must be 40 hex characters");
                return null;
            }

            return new AppIdentity(await credentials.RememberCikAsync(cik, ct), cik.ToLowerInvariant());
        }

        var vms = context.Request.Headers["X-Exosite-VMS"].ToString();
        if (vms.Length > 0)
        {
            var parts = vms.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length != 3)
            {
                await GmqResponse.WriteAsync(context, 400, "X-Exosite-VMS must be '<vendor> <model> <serial>'");
                return null;
            }

            var key = await credentials.RememberVmsAsync(parts[0], parts[1], parts[2], ct);
            return new AppIdentity(key, credentials.CikFor(key));
        }

        await GmqResponse.WriteAsync(context, 401, "unauthorized: send X-Exosite-CIK or X-Exosite-VMS");
        return null;
    }

    /// <summary>
    /// The dead letters a retry or purge names: <c>device=KEY</c>, <c>id=ID</c> (repeatable), and for purge
    /// (<paramref name="explicitAll"/>) <c>all=true</c>, from the query and the form. Answers 400 itself (and returns null) for an unknown field, a malformed id, or — when
    /// <paramref name="explicitAll"/> — no selection at all, or <c>all</c> next to another selection.
    /// </summary>
    private async Task<DeadLetterSelection?> ReadSelectionAsync(HttpContext context, string call, bool explicitAll)
    {
        var form = await ReadFormAsync(context);
        if (form is null)
        {
            return null;
        }

        var fields = context.Request.Query.SelectMany(q => q.Value.Select(v => new FormField(q.Key, v))).Concat(form);
        string? device = null;
        List<long>? sequences = null;
        var all = false;
        foreach (var field in fields)
        {
            switch (field.Key)
            {
                case "device":
                    device = string.IsNullOrEmpty(field.Value) ? null : field.Value;
                    break;
                case "id" when MessageId.TryParse(queue.InstanceId, field.Value?.Trim(), out var sequence):
                    (sequences ??= []).Add(sequence);
                    break;
                case "id":
                    await GmqResponse.WriteAsync(context, 400, $"{call}: '{Shorten(field.Value ?? string.Empty)}' is not a message id of this queue ({queue.InstanceId}-<n>)");
                    return null;
                case "all" when !explicitAll:
                    // retry takes every dead letter when it names none: it has no all field to offer.
                    await GmqResponse.WriteAsync(context, 400, $"{call}: unknown field 'all' (device=KEY, id=ID; name neither for every dead letter)");
                    return null;
                case "all" when field.Value is "true" or "1" or null or "":
                    all = true;
                    break;
                case "all":
                    await GmqResponse.WriteAsync(context, 400, $"{call}: all must be 'true', not '{Shorten(field.Value)}'");
                    return null;
                default:
                    await GmqResponse.WriteAsync(context, 400, explicitAll
                        ? $"{call}: unknown field '{Shorten(field.Key)}' (device=KEY, id=ID, all=true)"
                        : $"{call}: unknown field '{Shorten(field.Key)}' (device=KEY, id=ID; name neither for every dead letter)");
                    return null;
            }
        }

        if (explicitAll && all == (device is not null || sequences is not null))
        {
            await GmqResponse.WriteAsync(context, 400, all
                ? $"{call}: all=true selects every dead letter; do not also name a device or ids"
                : $"{call}: say which dead letters: device=KEY, id=ID, or all=true for every one");
            return null;
        }

        return new DeadLetterSelection(device, sequences?.Distinct().ToList());
    }

    /// <summary>The request's form; answers 400/413 itself and returns null when it is not one.</summary>
    private static async Task<IReadOnlyList<FormField>?> ReadFormAsync(HttpContext context)
    {
        var type = context.Request.ContentType;
        if (!string.IsNullOrEmpty(type)
            && !type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            && !type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            await GmqResponse.WriteAsync(context, 400, $"the body must be application/x-www-form-urlencoded, not {Shorten(type)}");
            return null;
        }

        var (body, status, error) = await RequestBodyReader.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            await GmqResponse.WriteAsync(context, status, error!);
            return null;
        }

        var form = FormCodec.Parse(body);
        if (!form.Ok)
        {
            await GmqResponse.WriteAsync(context, 400, "malformed form body: " + form.Error);
            return null;
        }

        return form.Fields;
    }

    private static bool HasSpace(string text) => text.Any(char.IsWhiteSpace);

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
