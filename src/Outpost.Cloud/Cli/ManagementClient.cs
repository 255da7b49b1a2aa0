using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Outpost.Cloud.Management.Contracts;

namespace Outpost.Cloud.Cli;

/// <summary>
/// The admin CLI's typed client of the management API (<c>/api/v1</c>). It speaks the server's own contract records,
/// and turns every failure into a <see cref="CliError"/>: a problem document into its <c>detail</c> (exit 2), a
/// network failure into "cannot reach &lt;server&gt;: &lt;reason&gt;" (exit 3).
/// </summary>
internal sealed partial class ManagementClient : IDisposable
{
    /// <summary>The API's JSON: snake_case names, nulls left out of requests.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;
    private readonly string _serverText;

    public ManagementClient(CliConnection connection)
    {
        _serverText = connection.ServerText;
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), AutomaticDecompression = DecompressionMethods.None };

        // No overall timeout: uploads and downloads of large files take as long as they take; Ctrl-C cancels.
        _http = new HttpClient(handler) { BaseAddress = connection.Server, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("outpost-cli", Hosting.VersionInfo.Text.Split('+')[0]));
        if (connection.Token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
        }
    }

    // Products and aliases.
    public Task<ApiReply<List<ProductDto>>> ListProductsAsync(CancellationToken ct) => GetAsync<List<ProductDto>>("api/v1/products", ct);

    public Task<ApiReply<ProductDto>> GetProductAsync(string pid, CancellationToken ct) => GetAsync<ProductDto>($"api/v1/products/{Seg(pid)}", ct);

    public Task<ApiReply<ProductDto>> CreateProductAsync(CreateProductRequest request, CancellationToken ct) =>
        SendAsync<ProductDto>(HttpMethod.Post, "api/v1/products", request, ct);

    public Task DeleteProductAsync(string pid, CancellationToken ct) => SendAsync(HttpMethod.Delete, $"api/v1/products/{Seg(pid)}", ct);

    public Task<ApiReply<ProductDto>> CloneProductAsync(string pid, CloneProductRequest request, CancellationToken ct) =>
        SendAsync<ProductDto>(HttpMethod.Post, $"api/v1/products/{Seg(pid)}/clone", request, ct);

    public Task<ApiReply<List<ResourceDto>>> ListAliasesAsync(string pid, CancellationToken ct) =>
        GetAsync<List<ResourceDto>>($"api/v1/products/{Seg(pid)}/aliases", ct);

    public Task<ApiReply<ResourceDto>> AddAliasAsync(string pid, ResourceDto alias, CancellationToken ct) =>
        SendAsync<ResourceDto>(HttpMethod.Post, $"api/v1/products/{Seg(pid)}/aliases", alias, ct);

    public Task RemoveAliasAsync(string pid, string alias, bool purge, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"api/v1/products/{Seg(pid)}/aliases/{Seg(alias)}{(purge ? "?purge=true" : string.Empty)}", ct);

    // Devices and their values.
    public Task<ApiReply<AddDevicesResponse>> AddDevicesAsync(string pid, AddDevicesRequest request, CancellationToken ct) =>
        SendAsync<AddDevicesResponse>(HttpMethod.Post, $"api/v1/products/{Seg(pid)}/devices", request, ct);

    public Task<ApiReply<List<DeviceDto>>> ListDevicesAsync(string pid, string? status, IEnumerable<string> tags, int? limit, string? after, CancellationToken ct)
    {
        var query = new List<string>();
        if (status is not null)
        {
            query.Add("status=" + Uri.EscapeDataString(status));
        }

        query.AddRange(tags.Select(t => "tag=" + Uri.EscapeDataString(t)));
        if (limit is not null)
        {
            query.Add("limit=" + limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (after is not null)
        {
            query.Add("after=" + Uri.EscapeDataString(after));
        }

        return GetAsync<List<DeviceDto>>($"api/v1/products/{Seg(pid)}/devices{Query(query)}", ct);
    }

    public Task<ApiReply<DeviceDto>> GetDeviceAsync(string pid, string serial, CancellationToken ct) =>
        GetAsync<DeviceDto>(DevicePath(pid, serial), ct);

    public Task<ApiReply<DeviceDto>> UpdateDeviceAsync(string pid, string serial, UpdateDeviceRequest request, CancellationToken ct) =>
        SendAsync<DeviceDto>(HttpMethod.Patch, DevicePath(pid, serial), request, ct);

    public Task<ApiReply<DeviceDto>> SetDeviceEnabledAsync(string pid, string serial, bool enabled, CancellationToken ct) =>
        SendAsync<DeviceDto>(HttpMethod.Post, DevicePath(pid, serial) + (enabled ? "/enable" : "/disable"), null, ct);

    public Task DeleteDeviceAsync(string pid, string serial, CancellationToken ct) => SendAsync(HttpMethod.Delete, DevicePath(pid, serial), ct);

    public async Task WriteValuesAsync(string pid, string serial, IReadOnlyDictionary<string, string> values, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, DevicePath(pid, serial) + "/values") { Content = JsonContent.Create(values, options: Json) };
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, ct);
    }

    public Task<ApiReply<SortedDictionary<string, LatestValueDto>>> ReadLatestAsync(string pid, string serial, IEnumerable<string> aliases, CancellationToken ct) =>
        GetAsync<SortedDictionary<string, LatestValueDto>>(DevicePath(pid, serial) + "/values" + Query(aliases.Select(a => "alias=" + Uri.EscapeDataString(a))), ct);

    public Task<ApiReply<List<HistoryPointDto>>> ReadHistoryAsync(string pid, string serial, string alias, HistoryRange range, CancellationToken ct) =>
        GetAsync<List<HistoryPointDto>>(HistoryPath(pid, serial, alias, range, csv: false), ct);

    public async Task<string> ReadHistoryCsvAsync(string pid, string serial, string alias, HistoryRange range, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, HistoryPath(pid, serial, alias, range, csv: true));
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    // Content.
    public Task<ApiReply<List<ContentDto>>> ListContentAsync(string pid, CancellationToken ct) =>
        GetAsync<List<ContentDto>>($"api/v1/products/{Seg(pid)}/content", ct);

    public Task<ApiReply<ContentDto>> GetContentAsync(string pid, string id, CancellationToken ct) =>
        GetAsync<ContentDto>($"api/v1/products/{Seg(pid)}/content/{Seg(id)}", ct);

    /// <summary>Uploads a content file; <c>Replaced</c> when the id existed (the server's 200, not 201).</summary>
    public async Task<(ApiReply<ContentDto> Reply, bool Replaced)> UploadContentAsync(string pid, string id, HttpContent body, string sha256, string? meta, CancellationToken ct)
    {
        var path = $"api/v1/products/{Seg(pid)}/content/{Seg(id)}" + (meta is null ? string.Empty : "?meta=" + Uri.EscapeDataString(meta));
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = body };
        request.Headers.Add("X-Content-SHA256", sha256);

        // The server refuses an unknown product, a bad id or an oversize file before reading the body; waiting for
        // its "100 Continue" lets that answer arrive instead of a broken pipe halfway through a large upload.
        request.Headers.ExpectContinue = true;
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return (await ReadReplyAsync<ContentDto>(response, ct), response.StatusCode == System.Net.HttpStatusCode.OK);
    }

    /// <summary>Starts a download; the caller streams the body and disposes the response.</summary>
    public async Task<HttpResponseMessage> DownloadContentAsync(string pid, string id, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/products/{Seg(pid)}/content/{Seg(id)}/download");
        return await SendCheckedAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    public Task DeleteContentAsync(string pid, string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"api/v1/products/{Seg(pid)}/content/{Seg(id)}", ct);

    // Tokens.
    public Task<ApiReply<CreatedTokenDto>> CreateTokenAsync(CreateTokenRequest request, CancellationToken ct) =>
        SendAsync<CreatedTokenDto>(HttpMethod.Post, "api/v1/tokens", request, ct);

    public Task<ApiReply<List<TokenDto>>> ListTokensAsync(CancellationToken ct) => GetAsync<List<TokenDto>>("api/v1/tokens", ct);

    public Task RevokeTokenAsync(string id, CancellationToken ct) => SendAsync(HttpMethod.Delete, $"api/v1/tokens/{Seg(id)}", ct);

    /// <summary>Wraps a stream error mid-transfer (the server went away) into the same one-line failure as a refused connection.</summary>
    public Task<ApiReply<RolloutDto>> CreateRolloutAsync(string pid, CreateRolloutRequest request, CancellationToken ct) =>
        SendAsync<RolloutDto>(HttpMethod.Post, $"api/v1/products/{Seg(pid)}/rollouts", request, ct);

    public Task<ApiReply<List<RolloutDto>>> ListRolloutsAsync(string pid, CancellationToken ct) =>
        GetAsync<List<RolloutDto>>($"api/v1/products/{Seg(pid)}/rollouts", ct);

    public Task<ApiReply<RolloutDto>> GetRolloutAsync(string id, CancellationToken ct) => GetAsync<RolloutDto>($"api/v1/rollouts/{Seg(id)}", ct);

    public Task<ApiReply<RolloutDto>> ActOnRolloutAsync(string id, string action, string? reason, CancellationToken ct) =>
        SendAsync<RolloutDto>(HttpMethod.Post, $"api/v1/rollouts/{Seg(id)}/{action}", new RolloutActionRequest(reason), ct);

    public CliError ConnectionLost(Exception ex) => new($"connection to {_serverText} lost: {Reason(ex)}", ExitCodes.Unreachable);

    public void Dispose() => _http.Dispose();

    private static string Seg(string segment) => Uri.EscapeDataString(segment);

    private static string DevicePath(string pid, string serial) => $"api/v1/products/{Seg(pid)}/devices/{Seg(serial)}";

    private static string HistoryPath(string pid, string serial, string alias, HistoryRange range, bool csv)
    {
        var query = new List<string>();
        if (range.From is not null)
        {
            query.Add("from=" + Uri.EscapeDataString(range.From));
        }

        if (range.To is not null)
        {
            query.Add("to=" + Uri.EscapeDataString(range.To));
        }

        if (range.Limit is not null)
        {
            query.Add("limit=" + range.Limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (csv)
        {
            query.Add("format=csv");
        }

        return DevicePath(pid, serial) + $"/values/{Seg(alias)}/history" + Query(query);
    }

    private static string Query(IEnumerable<string> parts)
    {
        var joined = string.Join('&', parts);
        return joined.Length == 0 ? string.Empty : "?" + joined;
    }

    private async Task<ApiReply<T>> GetAsync<T>(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return await ReadReplyAsync<T>(response, ct);
    }

    private async Task<ApiReply<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return await ReadReplyAsync<T>(response, ct);
    }

    private async Task SendAsync(HttpMethod method, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, ct);
    }

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new CliError($"cannot reach {_serverText}: {Reason(ex)}", ExitCodes.Unreachable);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliError($"cannot reach {_serverText}: timed out", ExitCodes.Unreachable);
        }
        catch (IOException ex)
        {
            throw ConnectionLost(ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var (text, code) = await ProblemAsync(response, ct);
            throw new CliError(text, ExitCodes.Api, code);
        }
    }

    private static async Task<ApiReply<T>> ReadReplyAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var document = JsonDocument.Parse(text);
            var json = document.RootElement.Clone();
            var value = json.Deserialize<T>(Json) ?? throw new JsonException("empty answer");
            return new ApiReply<T>(value, json);
        }
        catch (JsonException ex)
        {
            throw new CliError($"the server sent an answer this CLI does not understand ({(int)response.StatusCode}): {ex.Message}", ExitCodes.Api);
        }
    }

    /// <summary>
    /// The problem document's <c>detail</c> and <c>code</c>; for anything else (a proxy's HTML page) the status and the
    /// body's first line.
    /// </summary>
    private static async Task<(string Text, string? Code)> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(detail.GetString()))
            {
                var code = document.RootElement.TryGetProperty("code", out var codeJson) && codeJson.ValueKind == JsonValueKind.String ? codeJson.GetString() : null;
                return (OneLine(detail.GetString()!), code);
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the status line.
        }

        var status = $"server answered {(int)response.StatusCode} {response.ReasonPhrase}";
        var first = OneLine(body);
        return (first.Length == 0 ? status : $"{status}: {first}", null);
    }

    private static string OneLine(string text)
    {
        var line = text.Trim().Split('\n')[0].Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }

    /// <summary>"connection refused", "name or service not known": the innermost cause, lower-cased like a Unix tool's message.</summary>
    private static string Reason(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var message = inner is SocketException socket ? socket.Message : inner.Message;
        message = message.TrimEnd('.');
        return message.Length > 1 && char.IsUpper(message[0]) && !char.IsUpper(message[1]) ? char.ToLowerInvariant(message[0]) + message[1..] : message;
    }
}
