using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Outpost.Cloud.Content;
using Outpost.Cloud.Ingest;
using Outpost.Cloud.Registry;
using Outpost.Cloud.Stream;
using Outpost.Protocol.Forms;
using Outpost.Protocol.Http;

namespace Outpost.Cloud.DeviceApi;

/// <summary>
/// The cloud gateway: the Exosite-compatible HTTP device API (contract: DEVICE-API.md, user docs: docs/device-api.md).
/// Called by devices — gwe, GMQ's forwarder, gdc, the simulator, and the Exosite clients already in the field.
/// </summary>
/// <remarks>
/// Every call: 1. authenticate the CIK (cached hash look-up) 2. parse the form body in order 3. hand writes to the
/// <see cref="WritePath"/> (the only way values enter the store) 4. answer with a whole small plain-text response.
/// Long polls wait on the <see cref="IChangeNotifier"/>: no thread, no polling loop.
/// </remarks>
internal sealed class DeviceApiHandlers(
    IRegistryStore registry,
    IValueStore values,
    WritePath writePath,
    IChangeNotifier notifier,
    ContentStore content,
    DeviceRateLimiter rateLimiter,
    LastSeenTracker lastSeen,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<DeviceApiHandlers> logger)
{
    /// <summary>Form bodies of the device API: a few values of at most 64 KiB each.</summary>
    public const long MaxFormBytes = 1024 * 1024;

    /// <summary>The longest long poll a client may ask for.</summary>
    public const int MaxRequestTimeoutMs = 300_000;

    public async Task ActivateAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var (body, status, error) = await RequestBody.ReadAsync(context.Request, MaxFormBytes, ct);
        if (body is null)
        {
            await PlainResponse.ErrorAsync(context, status, error!);
            return;
        }

        var form = FormCodec.Parse(body);
        if (!form.Ok)
        {
            await PlainResponse.ErrorAsync(context, 400, "malformed form body: " + form.Error);
            return;
        }

        var productId = Field(form, "model") ?? Field(form, "vendor")
            ?? context.Request.Query["model"].FirstOrDefault() ?? context.Request.Query["vendor"].FirstOrDefault()
            ?? HostProduct(context);
        var serial = Field(form, "sn") ?? Field(form, "id");
        if (productId is null || serial is null)
        {
            await PlainResponse.ErrorAsync(context, 400, "activation needs vendor (or model) and sn (or id)");
            return;
        }

        // A serial no device can have is the caller's mistake whatever the product (an open product would otherwise
        // answer "unknown" for a serial it would take in a valid form); a malformed product id is simply not one.
        if (!Identifiers.IsSerial(serial))
        {
            await PlainResponse.ErrorAsync(context, 400, "sn must be 1-128 printable characters without spaces");
            return;
        }

        if (!Identifiers.IsProductId(productId))
        {
            await PlainResponse.ErrorAsync(context, 404, "unknown product, or serial not allowed to activate");
            return;
        }

        var cik = Cik.New();
        var result = await registry.ActivateAsync(productId, serial, Cik.Hash(cik), clock.GetUtcNow(), ct);
        switch (result)
        {
            case ActivationResult.Activated:
                RegistryLog.Activated(logger, productId, serial);
                await PlainResponse.WriteAsync(context, 200, cik);
                break;
            case ActivationResult.Conflict:
                await PlainResponse.ErrorAsync(context, 409, "device is already activated or is disabled");
                break;
            default:
                await PlainResponse.ErrorAsync(context, 404, "unknown product, or serial not allowed to activate");
                break;
        }
    }

    /// <summary><c>POST /onep:v1/stack/alias[?r1&amp;r2]</c>: write, or write then read (hybrid).</summary>
    public async Task WriteAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var device = await AuthenticateAsync(context);
        if (device is null)
        {
            return;
        }

        var form = await ReadFormAsync(context);
        if (form is null)
        {
            return;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var points = new List<ValuePoint>(form.Count);
        foreach (var field in form)
        {
            if (field.Value is null)
            {
                await PlainResponse.ErrorAsync(context, 400, $"alias '{field.Key}' has no value (expected alias=value)");
                return;
            }

            points.Add(new ValuePoint(field.Key, now, field.Value));
        }

        // A hybrid call's reads are checked before its write: a read it cannot answer refuses the whole call, as a
        // plain read does, instead of storing the write and answering as if nothing were wrong.
        var reads = QueryAliases(context);
        if (!await CheckReadAliasesAsync(context, device.Value.Product, reads))
        {
            return;
        }

        if (!await CommitAsync(context, device.Value, points, null, EventKinds.Write))
        {
            return;
        }

        if (reads.Count == 0)
        {
            await PlainResponse.WriteAsync(context, 204, null);
            return;
        }

        await AnswerReadAsync(context, device.Value.Identity, reads);
    }

    /// <summary><c>GET /onep:v1/stack/alias?a&amp;b</c>: read latest values, or long poll with <c>Request-Timeout</c>.</summary>
    public async Task ReadAsync(HttpContext context)
    {
        var device = await AuthenticateAsync(context);
        if (device is null)
        {
            return;
        }

        var aliases = QueryAliases(context);
        if (aliases.Count == 0)
        {
            await PlainResponse.ErrorAsync(context, 400, "name at least one alias to read: ?alias1&alias2");
            return;
        }

        if (!await CheckReadAliasesAsync(context, device.Value.Product, aliases))
        {
            return;
        }

        var timeoutHeader = context.Request.Headers["Request-Timeout"].ToString();
        if (timeoutHeader.Length == 0)
        {
            await AnswerReadAsync(context, device.Value.Identity, aliases);
            return;
        }

        if (!int.TryParse(timeoutHeader.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var timeoutMs)
            || timeoutMs > MaxRequestTimeoutMs)
        {
            await PlainResponse.ErrorAsync(context, 400, $"Request-Timeout must be milliseconds from 0 to {MaxRequestTimeoutMs}");
            return;
        }

        if (aliases.Count != 1)
        {
            await PlainResponse.ErrorAsync(context, 400, "a long poll waits on exactly one alias");
            return;
        }

        // "Newer than" is inclusive: clients send the last Last-Modified + 1 s, and a write in the very millisecond a
        // poll starts must not be missed. No If-Modified-Since means "newer than now": answering at once with the
        // current value makes clients spin. One that is no time at all is the client's mistake, not "now".
        var ifModifiedSince = context.Request.Headers.IfModifiedSince.ToString();
        var sinceMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (!string.IsNullOrWhiteSpace(ifModifiedSince) && !HttpTime.TryParse(ifModifiedSince, out sinceMs))
        {
            await PlainResponse.ErrorAsync(context, 400, "If-Modified-Since must be an HTTP-date (Fri, 15 Jun 2018 19:04:13 GMT) or epoch seconds");
            return;
        }

        await LongPollAsync(context, device.Value, aliases[0], sinceMs, timeoutMs);
    }

    /// <summary><c>POST /onep:v1/stack/record</c>: <c>alias=a&amp;&lt;ts&gt;=&lt;v&gt;…&amp;alias=b&amp;…</c>.</summary>
    public Task RecordAsync(HttpContext context) => RecordCoreAsync(context, null);

    /// <summary><c>POST /onep:v1/stack/alias/&lt;alias&gt;</c>: the older per-alias record form.</summary>
    public Task RecordAliasAsync(HttpContext context, string alias) => RecordCoreAsync(context, alias);

    public Task TimestampAsync(HttpContext context) =>
        PlainResponse.WriteAsync(context, 200, clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

    /// <summary><c>GET /provision/download</c>: list content, its info, or its bytes (with Range).</summary>
    public async Task DownloadAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var device = await AuthenticateAsync(context, rateLimited: false);
        if (device is null)
        {
            return;
        }

        var query = context.Request.Query;
        var productId = query["model"].FirstOrDefault() ?? query["vendor"].FirstOrDefault() ?? HostProduct(context) ?? device.Value.Product.Id;
        if (!string.Equals(productId, device.Value.Product.Id, StringComparison.Ordinal))
        {
            // Still 404 (the Exosite contract has nothing else for it), but not "unknown": the product may well exist.
            // True whether it does or not, so the answer tells a device nothing about other products.
            await PlainResponse.ErrorAsync(context, 404, $"product {productId} is not this device's product ({device.Value.Product.Id}): a device sees only its own product's content");
            return;
        }

        var id = query["id"].FirstOrDefault();
        if (id is null)
        {
            var items = await content.ListAsync(productId, ct);
            var csv = new StringBuilder();
            foreach (var item in items)
            {
                csv.Append(item.Id).Append('\n');
            }

            await PlainResponse.WriteAsync(context, 200, csv.ToString(), "text/csv; charset=utf-8");
            return;
        }

        var found = Identifiers.IsContentId(id) ? await content.GetAsync(productId, id, ct) : null;
        if (found is null)
        {
            await PlainResponse.ErrorAsync(context, 404, $"no content '{id}' in product {productId}");
            return;
        }

        if (string.Equals(query["info"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase))
        {
            await PlainResponse.WriteAsync(context, 200,
                string.Create(CultureInfo.InvariantCulture, $"{found.ContentType},{found.Size},{found.Updated.ToUnixTimeSeconds()},{found.Meta}"));
            return;
        }

        context.Response.Headers["X-Content-SHA256"] = found.Sha256;
        await Results.File(content.PathOf(productId, id), found.ContentType, enableRangeProcessing: true).ExecuteAsync(context);
    }

    /// <summary><c>POST /api/v1/device/records</c>: GMQ's idempotent batch of values with client message ids.</summary>
    public async Task BatchAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var device = await AuthenticateAsync(context);
        if (device is null)
        {
            return;
        }

        var (body, status, error) = await RequestBody.ReadAsync(context.Request, BatchRecords.MaxBytes, ct);
        if (body is null)
        {
            await PlainResponse.ErrorAsync(context, status, error!);
            return;
        }

        var parsed = BatchRecords.Parse(body);
        if (parsed.Error is not null)
        {
            await PlainResponse.ErrorAsync(context, 400, parsed.Error);
            return;
        }

        if (!await CommitAsync(context, device.Value, parsed.Points, parsed.Ids, EventKinds.Batch))
        {
            return;
        }

        await PlainResponse.WriteAsync(context, 200, BatchRecords.Acknowledge(parsed.Ids), "application/json; charset=utf-8");
    }

    private async Task RecordCoreAsync(HttpContext context, string? fixedAlias)
    {
        var device = await AuthenticateAsync(context);
        if (device is null)
        {
            return;
        }

        var form = await ReadFormAsync(context);
        if (form is null)
        {
            return;
        }

        var points = new List<ValuePoint>(form.Count);
        var alias = fixedAlias;
        foreach (var field in form)
        {
            if (fixedAlias is null && field.Key == "alias")
            {
                alias = field.Value;
                continue;
            }

            if (alias is null)
            {
                await PlainResponse.ErrorAsync(context, 400, "record: name the alias first (alias=<name>&<timestamp>=<value>…)");
                return;
            }

            if (!long.TryParse(field.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is 0 or > 253402300799)
            {
                await PlainResponse.ErrorAsync(context, 400, $"record: '{field.Key}' is not an epoch timestamp in seconds");
                return;
            }

            if (field.Value is null)
            {
                await PlainResponse.ErrorAsync(context, 400, $"record: timestamp {field.Key} has no value");
                return;
            }

            points.Add(new ValuePoint(alias, seconds * 1000, field.Value));
        }

        if (await CommitAsync(context, device.Value, points, null, EventKinds.Record))
        {
            await PlainResponse.WriteAsync(context, 204, null);
        }
    }

    /// <summary>Answers with the alias' latest value once one stamped at or after <paramref name="sinceMs"/> is there.</summary>
    private async Task LongPollAsync(HttpContext context, AuthenticatedDevice device, string alias, long sinceMs, int timeoutMs)
    {
        var deviceId = device.Identity.DeviceId;
        var ct = context.RequestAborted;

        var deadline = clock.GetTimestamp() + (long)(timeoutMs / 1000.0 * clock.TimestampFrequency);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        while (true)
        {
            // Take the next-change task before reading, so a write landing in between still wakes us; let go of it on
            // every way out of this round.
            using var next = notifier.Subscribe(deviceId, alias);

            // The CIK may have stopped working while the poll waited (disabled, re-enabled, deleted; the registry then
            // wakes it): answered as any request with that CIK is, never with the next command. Checked after
            // subscribing, so a disable just before it is seen here and one after it wakes this round.
            if (await registry.FindByCikHashAsync(device.CikHash, ct) is not { } still || still.DeviceId != deviceId)
            {
                await UnauthorizedAsync(context);
                return;
            }

            var latest = await values.ReadLatestAsync(deviceId, [alias], ct);
            if (latest.TryGetValue(alias, out var value) && value.TimestampMs >= sinceMs)
            {
                context.Response.Headers.LastModified = HttpDates.Format(value.TimestampMs);
                await PlainResponse.WriteAsync(context, 200, FormCodec.Encode([new(alias, value.Value)]));
                return;
            }

            var remaining = clock.GetElapsedTime(clock.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero)
            {
                await PlainResponse.WriteAsync(context, 304, null);
                return;
            }

            try
            {
                await next.Changed.WaitAsync(remaining, clock, stopping.Token);
            }
            catch (TimeoutException)
            {
                await PlainResponse.WriteAsync(context, 304, null);
                return;
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                // Shutting down: "no change" lets the client poll again (elsewhere, or after the restart) at once.
                await PlainResponse.WriteAsync(context, 304, null);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return; // The client went away.
            }
        }
    }

    /// <summary>Answers 400 naming the first alias the product does not define, and says whether all were defined.</summary>
    private static async Task<bool> CheckReadAliasesAsync(HttpContext context, Product product, IReadOnlyList<string> aliases)
    {
        foreach (var alias in aliases)
        {
            if (product.FindResource(alias) is null)
            {
                await PlainResponse.ErrorAsync(context, 400, $"alias '{alias}' is not defined in product {product.Id}");
                return false;
            }
        }

        return true;
    }

    private async Task AnswerReadAsync(HttpContext context, DeviceIdentity device, IReadOnlyList<string> aliases)
    {
        var latest = await values.ReadLatestAsync(device.DeviceId, aliases, context.RequestAborted);
        if (latest.Count == 0)
        {
            await PlainResponse.WriteAsync(context, 204, null);
            return;
        }

        var pairs = new List<KeyValuePair<string, string>>(aliases.Count);
        foreach (var alias in aliases)
        {
            if (latest.TryGetValue(alias, out var value))
            {
                pairs.Add(new(alias, value.Value));
            }
        }

        await PlainResponse.WriteAsync(context, 200, FormCodec.Encode(pairs));
    }

    private async Task<bool> CommitAsync(HttpContext context, AuthenticatedDevice device, IReadOnlyList<ValuePoint> points, IReadOnlyList<string>? messageIds, string kind)
    {
        var outcome = await writePath.WriteAsync(device.Product, device.Identity.DeviceId, device.Identity.Serial, points, messageIds, kind, WriteSource.Device, context.RequestAborted);
        if (outcome.Ok)
        {
            return true;
        }

        if (messageIds is not null && outcome.RefusedPoint is { } refused && refused < messageIds.Count)
        {
            // The batch endpoint names the record the whole batch was refused for, and whether its alias as a whole is
            // refused, so GMQ can set exactly those aside instead of bisecting the batch request by request.
            context.Response.Headers["X-Outpost-Refused-Record"] = messageIds[refused];
            context.Response.Headers["X-Outpost-Refused-Scope"] = outcome.RefusedAliasWide ? "alias" : "value";
        }

        await PlainResponse.ErrorAsync(context, outcome.Status, outcome.Error!);
        return false;
    }

    private async Task<IReadOnlyList<FormField>?> ReadFormAsync(HttpContext context)
    {
        var (body, status, error) = await RequestBody.ReadAsync(context.Request, MaxFormBytes, context.RequestAborted);
        if (body is null)
        {
            await PlainResponse.ErrorAsync(context, status, error!);
            return null;
        }

        var form = FormCodec.Parse(body);
        if (!form.Ok)
        {
            await PlainResponse.ErrorAsync(context, 400, "malformed form body: " + form.Error);
            return null;
        }

        return form.Fields;
    }

    private async Task<AuthenticatedDevice?> AuthenticateAsync(HttpContext context, bool rateLimited = true)
    {
        var ct = context.RequestAborted;
        var cik = context.Request.Headers["X-Exosite-CIK"].ToString().Trim();
        var hash = Cik.IsWellFormed(cik) ? Cik.Hash(cik) : null;
        var identity = hash is null ? null : await registry.FindByCikHashAsync(hash, ct);
        var product = identity is null ? null : await registry.GetProductAsync(identity.ProductId, ct);
        if (identity is null || product is null)
        {
            await UnauthorizedAsync(context);
            return null;
        }

        lastSeen.Seen(identity.DeviceId);
        if (rateLimited && HttpMethods.IsPost(context.Request.Method)
            && !rateLimiter.TryAcquire(identity.DeviceId, product.WriteLimit, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await PlainResponse.ErrorAsync(context, 429, "too many writes from this device; retry later");
            return null;
        }

        return new AuthenticatedDevice(identity, product, hash!);
    }

    private static Task UnauthorizedAsync(HttpContext context) =>
        PlainResponse.ErrorAsync(context, 401, "unauthorized: missing or invalid X-Exosite-CIK");

    private static List<string> QueryAliases(HttpContext context)
    {
        var raw = context.Request.QueryString.Value;
        if (string.IsNullOrEmpty(raw))
        {
            return [];
        }

        var parsed = FormCodec.Parse(raw);
        return parsed.Ok ? parsed.Fields.Select(f => f.Key).Distinct(StringComparer.Ordinal).ToList() : [];
    }

    private static string? Field(FormParseResult form, string key)
    {
        foreach (var field in form.Fields)
        {
            if (field.Key == key && !string.IsNullOrEmpty(field.Value))
            {
                return field.Value;
            }
        }

        return null;
    }

    /// <summary>The product named by a <c>&lt;pid&gt;.&lt;base-domain&gt;</c> host, as in <c>pid.m2.exosite.io</c>.</summary>
    private static string? HostProduct(HttpContext context)
    {
        var host = context.Request.Host.Host;
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }

        var label = host[..dot].ToLowerInvariant();
        return Identifiers.IsProductId(label) ? label : null;
    }

    private readonly record struct AuthenticatedDevice(DeviceIdentity Identity, Product Product, string CikHash);
}
