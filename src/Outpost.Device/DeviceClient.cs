using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Protocol.Forms;
using Outpost.Protocol.Records;
using Polly;

namespace Outpost.Device;

/// <summary>
/// The one client of Outpost's (Exosite-compatible) HTTP device API, used by gwe, GMQ's forwarder, gdc, the simulator
/// and app authors: activation, writes, reads, long polls, records, the cloud clock and the content area.
/// </summary>
/// <remarks>
/// Every call:
/// <code>
///  1. build the request (form bodies through FormCodec, batches as JSON; the CIK in X-Exosite-CIK)
///  2. run one attempt with its own timeout (RequestTimeout, plus the wait for a long poll)
///  3. network error / timeout / 5xx / 429 -> back off (exponential, jitter, Retry-After) and go to 2
///  4. any other answer -> count its bytes against the request source, map the status to a result or a
///     DeviceApiException (401 = Unauthorized, other 4xx = Rejected, retries spent = Unavailable)
/// </code>
/// Downloads run the same loop around a <c>.part</c> file: each attempt resumes with <c>Range</c> from the bytes
/// already on disk, and the file reaches its final path only after its sha256 matched <c>X-Content-SHA256</c>.
/// Thread-safe; keep one per device.
/// </remarks>
public sealed class DeviceClient : IDisposable
{
    private const string CikHeader = "X-Exosite-CIK";
    private static readonly MediaTypeHeaderValue FormType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=utf-8");
    private static readonly MediaTypeHeaderValue JsonType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ResiliencePipeline _retry;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private volatile string? _cik;

    /// <summary>
    /// Raised each time the cloud answers an attempt with anything but a 5xx or 429 (a long poll's 304 and a refusal
    /// count: the cloud itself is serving). Not on a mere connection: a proxy or a load balancer in front of a dead
    /// cloud accepts those too. Runs on the caller's thread inside the call; keep handlers short. gwe uses it to end
    /// GMQ's backoff the moment its engine gets an answer from the cloud again.
    /// </summary>
    public event EventHandler? CloudReached;

    /// <summary>Creates a client with its own <see cref="HttpClient"/>.</summary>
    public DeviceClient(DeviceClientOptions options, ILogger<DeviceClient>? logger = null)
        : this(options, CreateHttpClient(), logger, ownsHttpClient: true)
    {
    }

    /// <summary>
    /// Creates a client over a caller's <see cref="HttpClient"/> (whose <see cref="HttpClient.Timeout"/> should be
    /// infinite: the client applies <see cref="DeviceClientOptions.RequestTimeout"/> per attempt itself).
    /// </summary>
    public DeviceClient(DeviceClientOptions options, HttpClient httpClient, ILogger<DeviceClient>? logger = null)
        : this(options, httpClient, logger, ownsHttpClient: false)
    {
    }

    private DeviceClient(DeviceClientOptions options, HttpClient httpClient, ILogger? logger, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        options.Validate();
        Options = options;
        _http = httpClient;
        _ownsHttp = ownsHttpClient;
        _logger = logger ?? NullLogger.Instance;
        _clock = options.TimeProvider;
        _cik = options.Cik?.ToLowerInvariant();
        _retry = RetryPipeline.Build(options, _logger);
    }

    /// <summary>The settings this client was created with.</summary>
    public DeviceClientOptions Options { get; }

    /// <summary>Traffic per request source, for bandwidth reports.</summary>
    public BandwidthMeter Bandwidth { get; } = new();

    /// <summary>The CIK sent with every authenticated call; set by a successful <see cref="ActivateAsync"/>.</summary>
    public string? Cik
    {
        get => _cik;
        set => _cik = value is null ? null : DeviceIdentity.IsCik(value) ? value.ToLowerInvariant() : throw new ArgumentException("A CIK is 40 hex characters.", nameof(value));
    }

    /// <summary>
    /// Activates a serial: <c>POST /provision/activate</c>. On success the CIK is returned and also used by this client
    /// from now on. 409 (already activated, or disabled) and 404 (unknown product, serial not allowed) are results, not errors.
    /// </summary>
    public async Task<ActivationResult> ActivateAsync(string vendor, string model, string serial, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(vendor);
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(serial);
        var body = FormCodec.Encode([new("vendor", vendor), new("model", model), new("sn", serial)]);
        var reply = await SendAsync("activate", () => Form(HttpMethod.Post, "/provision/activate", body, authenticated: false), null, cancellationToken);
        switch (reply.Status)
        {
            case 200:
                var cik = reply.Text.Trim();
                if (!DeviceIdentity.IsCik(cik))
                {
                    throw new DeviceApiException(DeviceErrorKind.Rejected, "activation answered 200 without a 40-hex CIK", 200);
                }

                Cik = cik;
                DeviceLog.Activated(_logger, serial, model);
                return new ActivationResult(ActivationStatus.Activated, Cik);
            case 409:
                DeviceLog.ActivationRefused(_logger, serial, model, ActivationStatus.AlreadyActivated);
                return new ActivationResult(ActivationStatus.AlreadyActivated, null);
            case 404:
                DeviceLog.ActivationRefused(_logger, serial, model, ActivationStatus.NotAllowed);
                return new ActivationResult(ActivationStatus.NotAllowed, null);
            default:
                throw Failure(reply, "activate");
        }
    }

    /// <summary>Writes one value: <c>POST /onep:v1/stack/alias</c> with <c>alias=value</c>.</summary>
    public Task WriteAsync(string alias, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(alias);
        ArgumentNullException.ThrowIfNull(value);
        return WriteAsync(new Dictionary<string, string>(StringComparer.Ordinal) { [alias] = value }, cancellationToken);
    }

    /// <summary>Writes several values in one request (all stamped with the same time by the cloud).</summary>
    public async Task WriteAsync(IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("Write at least one value.", nameof(values));
        }

        var body = FormCodec.Encode(values);
        var reply = await SendAsync("write:" + string.Join(',', values.Keys), () => Form(HttpMethod.Post, "/onep:v1/stack/alias", body), null, cancellationToken);
        if (reply.Status is not (204 or 200))
        {
            throw Failure(reply, "write");
        }
    }

    /// <summary>
    /// Writes, then reads, in one round trip (the hybrid call: <c>POST /onep:v1/stack/alias?r1&amp;r2</c> with the writes
    /// as the body). Handy on metered links: a report and the check for a new setting cost one request.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> WriteAndReadAsync(
        IReadOnlyDictionary<string, string> values, IReadOnlyCollection<string> reads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(reads);
        if (values.Count == 0 || reads.Count == 0)
        {
            throw new ArgumentException("The hybrid call needs at least one value to write and one alias to read.");
        }

        var body = FormCodec.Encode(values);
        var path = "/onep:v1/stack/alias?" + string.Join('&', reads.Select(FormCodec.Escape));
        var reply = await SendAsync("write:" + string.Join(',', values.Keys), () => Form(HttpMethod.Post, path, body), null, cancellationToken);
        return reply.Status switch
        {
            204 => new Dictionary<string, string>(StringComparer.Ordinal),
            200 => ParseValues(reply),
            _ => throw Failure(reply, "write"),
        };
    }

    /// <summary>Reads the latest values: <c>GET /onep:v1/stack/alias?a&amp;b</c>. Aliases without a value are absent.</summary>
    public Task<IReadOnlyDictionary<string, string>> ReadAsync(params string[] aliases) => ReadAsync(aliases, CancellationToken.None);

    /// <summary>Reads the latest values: <c>GET /onep:v1/stack/alias?a&amp;b</c>. Aliases without a value are absent.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadAsync(IReadOnlyCollection<string> aliases, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        if (aliases.Count == 0)
        {
            throw new ArgumentException("Read at least one alias.", nameof(aliases));
        }

        var path = "/onep:v1/stack/alias?" + string.Join('&', aliases.Select(FormCodec.Escape));
        var reply = await SendAsync("read:" + string.Join(',', aliases), () => Request(HttpMethod.Get, path), null, cancellationToken);
        return reply.Status switch
        {
            204 => new Dictionary<string, string>(StringComparer.Ordinal),
            200 => ParseValues(reply),
            _ => throw Failure(reply, "read"),
        };
    }

    /// <summary>
    /// Long poll: waits up to <paramref name="timeout"/> (at most 300 s) for a value of <paramref name="alias"/> newer than
    /// <paramref name="ifModifiedSince"/> (inclusive, second resolution; none means "newer than now"). Returns the value and
    /// its timestamp, or <see cref="WaitResult.NoChange"/> when the server's timeout passed first.
    /// Pass <see cref="WaitResult.NextSince"/> of the last result to the next call.
    /// </summary>
    public async Task<WaitResult> WaitAsync(string alias, TimeSpan timeout, DateTimeOffset? ifModifiedSince = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(alias);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, TimeSpan.FromSeconds(300));
        var path = "/onep:v1/stack/alias?" + FormCodec.Escape(alias);
        var ms = ((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var reply = await SendAsync("wait:" + alias, () =>
        {
            var request = Request(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("Request-Timeout", ms);
            if (ifModifiedSince is { } since)
            {
                request.Headers.IfModifiedSince = since;
            }

            return request;
        }, timeout, cancellationToken);
        switch (reply.Status)
        {
            case 304:
            case 204:
                return WaitResult.NoChange;
            case 200:
                var values = ParseValues(reply);
                return values.TryGetValue(alias, out var value)
                    ? new WaitResult(true, value, reply.LastModified)
                    : throw new DeviceApiException(DeviceErrorKind.Rejected, $"long poll answered 200 without a value of '{alias}'", 200);
            default:
                throw Failure(reply, "wait");
        }
    }

    /// <summary>Records timestamped values of one alias: <c>POST /onep:v1/stack/record</c>.</summary>
    public async Task RecordAsync(string alias, IEnumerable<RecordPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(alias);
        ArgumentNullException.ThrowIfNull(points);
        var pairs = new List<KeyValuePair<string, string>> { new("alias", alias) };
        pairs.AddRange(points.Select(p => new KeyValuePair<string, string>(p.Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), p.Value)));
        if (pairs.Count == 1)
        {
            throw new ArgumentException("Record at least one point.", nameof(points));
        }

        var body = FormCodec.Encode(pairs);
        var reply = await SendAsync("record:" + alias, () => Form(HttpMethod.Post, "/onep:v1/stack/record", body), null, cancellationToken);
        if (reply.Status is not (204 or 200))
        {
            throw Failure(reply, "record");
        }
    }

    /// <summary>
    /// Sends timestamped values with client message ids to the cloud's idempotent batch endpoint,
    /// <c>POST /api/v1/device/records</c>, and returns the ids the cloud now holds. A batch sent again (after a lost
    /// answer, say) is acknowledged again and never stored twice. Counted under the request source <c>records</c>.
    /// </summary>
    public async Task<IReadOnlyList<string>> RecordBatchAsync(IReadOnlyList<BatchRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return [];
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(records as List<BatchRecord> ?? [.. records], RecordsJsonContext.Default.ListBatchRecord);
        var reply = await SendAsync("records", () =>
        {
            var request = Request(HttpMethod.Post, "/api/v1/device/records");
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonType;
            return request;
        }, null, cancellationToken);
        if (reply.Status != 200)
        {
            var failure = Failure(reply, "records");
            throw reply.Refused is { } refused && failure.Kind == DeviceErrorKind.Rejected
                ? new DeviceApiException(failure.Kind, failure.Message, failure.StatusCode)
                {
                    RefusedRecordId = refused.RecordId,
                    RefusedAliasWide = refused.Scope == "alias",
                }
                : failure;
        }

        try
        {
            return JsonSerializer.Deserialize(reply.Body, RecordsJsonContext.Default.BatchAck)?.Accepted
                ?? throw new DeviceApiException(DeviceErrorKind.Rejected, "records: the server answered 200 without an acknowledgement", 200);
        }
        catch (JsonException ex)
        {
            throw new DeviceApiException(DeviceErrorKind.Rejected, "records: the acknowledgement is not {\"accepted\":[ids]}: " + ex.Message, 200, ex);
        }
    }

    /// <summary>The cloud's clock: <c>GET /timestamp</c>.</summary>
    public async Task<DateTimeOffset> TimestampAsync(CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync("timestamp", () => Request(HttpMethod.Get, "/timestamp", authenticated: false), null, cancellationToken);
        if (reply.Status != 200)
        {
            throw Failure(reply, "timestamp");
        }

        return long.TryParse(reply.Text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new DeviceApiException(DeviceErrorKind.Rejected, "timestamp answered something other than epoch seconds", 200);
    }

    /// <summary>The ids in the product's content area: <c>GET /provision/download?vendor=…&amp;model=…</c>.</summary>
    public async Task<IReadOnlyList<string>> ListContentAsync(CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync("content:list", () => Request(HttpMethod.Get, DownloadPath(null)), null, cancellationToken);
        if (reply.Status == 204)
        {
            return [];
        }

        if (reply.Status != 200)
        {
            throw Failure(reply, "content list");
        }

        return reply.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Describes one content file (<c>…&amp;id=ID&amp;info=true</c>); null when there is no such file.</summary>
    public async Task<ContentInfo?> ContentInfoAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var reply = await SendAsync("content:info:" + id, () => Request(HttpMethod.Get, DownloadPath(id) + "&info=true"), null, cancellationToken);
        if (reply.Status == 404)
        {
            return null;
        }

        if (reply.Status != 200)
        {
            throw Failure(reply, "content info");
        }

        // <content-type>,<size>,<updated-epoch>,<meta>: meta may itself hold commas.
        var parts = reply.Text.TrimEnd('\r', '\n').Split(',', 4);
        if (parts.Length < 3
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var updated))
        {
            throw new DeviceApiException(DeviceErrorKind.Rejected, $"content info for '{id}' is not '<type>,<size>,<updated>,<meta>'", 200);
        }

        return new ContentInfo(id, parts[0], size, DateTimeOffset.FromUnixTimeSeconds(updated), parts.Length > 3 ? parts[3] : string.Empty);
    }

    /// <summary>
    /// Downloads a content file to <paramref name="destination"/>. Bytes go to <c>destination.part</c>; a broken transfer
    /// (this call's retries, or an earlier run's leftover <c>.part</c>) resumes with <c>Range</c>. The file appears at
    /// <paramref name="destination"/> only after its sha256 matched <c>X-Content-SHA256</c>; on a mismatch the part file is
    /// deleted and a <see cref="DeviceApiException"/> of kind <see cref="DeviceErrorKind.Integrity"/> is thrown.
    /// </summary>
    public async Task<DownloadResult> DownloadContentAsync(string id, string destination, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var target = Path.GetFullPath(destination);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var part = target + ".part";
        var source = "download:" + id;
        var path = DownloadPath(id);
        var attempts = 0;
        var expected = await RunAsync(source, async token =>
        {
            attempts++;
            return await DownloadAttemptAsync(id, path, part, source, progress, token);
        }, cancellationToken);

        var actual = await HashFileAsync(part, cancellationToken);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(part);
            DeviceLog.Sha256Mismatch(_logger, id, expected, actual);
            throw new DeviceApiException(DeviceErrorKind.Integrity, $"download of '{id}': sha256 {actual} does not match the server's {expected}; nothing was saved");
        }

        File.Move(part, target, overwrite: true);
        var size = new FileInfo(target).Length;
        DeviceLog.DownloadVerified(_logger, id, size, actual);
        return new DownloadResult(target, size, actual, attempts);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<string> DownloadAttemptAsync(string id, string path, string part, string source, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var offset = File.Exists(part) ? new FileInfo(part).Length : 0;
        using var request = Request(HttpMethod.Get, path);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
            DeviceLog.DownloadResuming(_logger, id, offset);
        }

        var sent = HttpSize.Of(request, _http);
        long received = 0;
        using var timeout = new CancellationTokenSource(Options.RequestTimeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            received = HttpSize.Of(response);
            var status = (int)response.StatusCode;
            if (status == 416)
            {
                // The part file is longer than the file now is (it changed on the server): start over.
                File.Delete(part);
                throw new TransientStatusException(status, TimeSpan.Zero);
            }

            ThrowIfTransient(response);
            CloudReached?.Invoke(this, EventArgs.Empty);
            if (status is not (200 or 206))
            {
                var body = await response.Content.ReadAsByteArrayAsync(linked.Token);
                received += body.Length;
                throw Failure(new DeviceReply(status, body, null), "download");
            }

            var expected = response.Headers.TryGetValues("X-Content-SHA256", out var shas) ? shas.FirstOrDefault()?.Trim() : null;
            if (string.IsNullOrEmpty(expected))
            {
                throw new DeviceApiException(DeviceErrorKind.Integrity, $"download of '{id}': the server sent no X-Content-SHA256, so the file cannot be verified", status);
            }

            if (status == 206 && response.Content.Headers.ContentRange?.From != offset)
            {
                // Not the range we asked for: appending it would corrupt the file, so start over on the next attempt.
                File.Delete(part);
                throw new IOException($"download of '{id}': asked for bytes from {offset}, got {response.Content.Headers.ContentRange}");
            }

            var append = status == 206;
            var total = response.Content.Headers.ContentRange?.Length ?? response.Content.Headers.ContentLength;
            var position = append ? offset : 0;
            await using (var file = new FileStream(part, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            await using (var body = await response.Content.ReadAsStreamAsync(linked.Token))
            {
                var buffer = new byte[81920];
                progress?.Report(new DownloadProgress(position, total));
                while (true)
                {
                    // The timeout guards each read, not the whole file: a slow but moving download is fine.
                    timeout.CancelAfter(Options.RequestTimeout);
                    var n = await body.ReadAsync(buffer, linked.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    await file.WriteAsync(buffer.AsMemory(0, n), linked.Token);
                    received += n;
                    position += n;
                    progress?.Report(new DownloadProgress(position, total));
                }

                await file.FlushAsync(linked.Token);
            }

            if (total is { } size && position != size)
            {
                throw new IOException($"download of '{id}' ended at byte {position} of {size}");
            }

            return expected;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"download of '{id}' stalled for {Options.RequestTimeout}");
        }
        finally
        {
            Bandwidth.Add(source, sent, received);
        }
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        var hash = await SHA256.HashDataAsync(file, cancellationToken);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Runs one call's attempts through the retry pipeline; failures that outlast it become <see cref="DeviceApiException"/>.</summary>
    private async Task<T> RunAsync<T>(string source, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RetryPipeline.SourceKey, source);
        try
        {
            return await _retry.ExecuteAsync(static async (ctx, state) => await state(ctx.CancellationToken), context, attempt);
        }
        catch (TransientStatusException ex)
        {
            throw new DeviceApiException(DeviceErrorKind.Unavailable, $"{source}: the server answered {ex.StatusCode} after {Options.MaxRetries + 1} attempt(s)", ex.StatusCode, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException)
        {
            throw new DeviceApiException(DeviceErrorKind.Unavailable, $"{source}: {ex.Message} (after {Options.MaxRetries + 1} attempt(s))", null, ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<DeviceReply> SendAsync(string source, Func<HttpRequestMessage> build, TimeSpan? wait, CancellationToken cancellationToken) =>
        RunAsync(source, token => SendOnceAsync(source, build, wait, token), cancellationToken);

    private async Task<DeviceReply> SendOnceAsync(string source, Func<HttpRequestMessage> build, TimeSpan? wait, CancellationToken cancellationToken)
    {
        using var request = build();
        var sent = HttpSize.Of(request, _http);
        long received = 0;
        using var timeout = new CancellationTokenSource(Options.RequestTimeout + (wait ?? TimeSpan.Zero), _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            received = HttpSize.Of(response);
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token);
            received += body.Length;
            ThrowIfTransient(response);
            CloudReached?.Invoke(this, EventArgs.Empty);
            return new DeviceReply((int)response.StatusCode, body, response.Content.Headers.LastModified)
            {
                Refused = response.Headers.TryGetValues("X-Outpost-Refused-Record", out var record) && record.FirstOrDefault() is { Length: > 0 } id
                    ? (id, response.Headers.TryGetValues("X-Outpost-Refused-Scope", out var scope) ? scope.FirstOrDefault() ?? "value" : "value")
                    : null,
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{source}: no answer within {Options.RequestTimeout + (wait ?? TimeSpan.Zero)}");
        }
        finally
        {
            Bandwidth.Add(source, sent, received);
        }
    }

    private void ThrowIfTransient(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is >= 500 or 429)
        {
            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - _clock.GetUtcNow(),
                _ => (TimeSpan?)null,
            };
            throw new TransientStatusException(status, retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter);
        }
    }

    private static DeviceApiException Failure(DeviceReply reply, string call)
    {
        var detail = reply.Body.Length is > 0 and <= 512 ? ": " + reply.Text.Trim() : string.Empty;
        return reply.Status is 401 or 403
            ? new DeviceApiException(DeviceErrorKind.Unauthorized, $"{call}: unauthorized ({reply.Status}){detail}", reply.Status)
            : new DeviceApiException(DeviceErrorKind.Rejected, $"{call}: the server answered {reply.Status}{detail}", reply.Status);
    }

    private static Dictionary<string, string> ParseValues(DeviceReply reply)
    {
        var form = FormCodec.Parse(reply.Body);
        if (!form.Ok)
        {
            throw new DeviceApiException(DeviceErrorKind.Rejected, "the server's answer is not a valid form: " + form.Error, reply.Status);
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in form.Fields)
        {
            values[field.Key] = field.Value ?? string.Empty;
        }

        return values;
    }

    private string DownloadPath(string? id)
    {
        var product = Options.ProductId;
        var query = new List<KeyValuePair<string, string>>();
        if (product is not null)
        {
            query.Add(new("vendor", string.IsNullOrEmpty(Options.Vendor) ? product : Options.Vendor));
            query.Add(new("model", product));
        }

        if (id is not null)
        {
            query.Add(new("id", id));
        }

        return "/provision/download?" + FormCodec.Encode(query);
    }

    private HttpRequestMessage Request(HttpMethod method, string pathAndQuery, bool authenticated = true)
    {
        // Absolute URIs built here: a relative "onep:v1/…" would parse as a URI scheme.
        var request = new HttpRequestMessage(method, new Uri(Options.Host, pathAndQuery));
        request.Headers.TryAddWithoutValidation("User-Agent", Options.UserAgent);
        if (authenticated)
        {
            request.Headers.TryAddWithoutValidation(CikHeader, _cik ?? throw new DeviceApiException(DeviceErrorKind.Unauthorized, "this device has no CIK yet: activate it first"));
        }

        return request;
    }

    private HttpRequestMessage Form(HttpMethod method, string path, string body, bool authenticated = true)
    {
        var request = Request(method, path, authenticated);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        request.Content.Headers.ContentType = FormType;
        return request;
    }

    private static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            // Each attempt has its own timeout (long polls need more than HttpClient's 100 s default).
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
