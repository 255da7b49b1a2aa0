using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Outpost.Bench.Servers;

/// <summary>
/// Sets up a product and its devices on a running <c>outpost serve</c> through the management API, and activates
/// devices through the device API, exactly as an operator and the gateways would.
/// </summary>
internal sealed class CloudAdmin(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(2),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", ServerLaunchers.AdminToken) },
    };

    /// <summary>A gateway-template product plus a <c>temp</c> number alias, with the write limit out of the way.</summary>
    public async Task CreateProductAsync(string productId, CancellationToken cancellationToken)
    {
        await SendAsync(HttpMethod.Post, "api/v1/products", new JsonObject { ["name"] = productId, ["id"] = productId, ["template"] = "gateway" }, cancellationToken);
        // The per-device limit guards the fleet against a runaway device; the bench is deliberately that device.
        await SendAsync(HttpMethod.Patch, $"api/v1/products/{productId}",
            new JsonObject { ["write_limit"] = new JsonObject { ["per_second"] = 1_000_000, ["burst"] = 1_000_000 } }, cancellationToken);
        await SendAsync(HttpMethod.Post, $"api/v1/products/{productId}/aliases",
            new JsonObject { ["alias"] = "temp", ["format"] = "number", ["settable"] = false }, cancellationToken);
    }

    /// <summary>Adds <paramref name="count"/> serials and activates each; returns the CIKs in serial order.</summary>
    public async Task<IReadOnlyList<string>> ProvisionAsync(string productId, int count, int parallel, CancellationToken cancellationToken)
    {
        var serials = Enumerable.Range(0, count).Select(Serial).ToList();
        for (var from = 0; from < count; from += 100_000)
        {
            var chunk = new JsonArray(serials.Skip(from).Take(100_000).Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
            await SendAsync(HttpMethod.Post, $"api/v1/products/{productId}/devices", new JsonObject { ["serials"] = chunk }, cancellationToken);
        }

        var ciks = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                using var content = new StringContent($"vendor={productId}&model={productId}&sn={serials[i]}", Encoding.UTF8, "application/x-www-form-urlencoded");
                using var response = await _http.PostAsync("provision/activate", content, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"activating {serials[i]}: {(int)response.StatusCode} {text}");
                }

                ciks[i] = text.Trim();
            });
        return ciks;
    }

    public static string Serial(int index) => $"bench-{index:D6}";

    /// <summary>A management write (command &amp; control); returns when the API acknowledged it (= committed).</summary>
    public async Task<TimeSpan> WriteAsync(string productId, string serial, string alias, string value, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await SendAsync(HttpMethod.Post, $"api/v1/products/{productId}/devices/{serial}/values", new JsonObject { [alias] = value }, cancellationToken);
        return Stopwatch.GetElapsedTime(started);
    }

    public void Dispose() => _http.Dispose();

    private async Task SendAsync(HttpMethod method, string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }
}
