using System.Text;
using System.Text.Json;
using Outpost.Protocol.Forms;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>What an app sends GMQ: device-API forms with <c>X-Exosite-CIK</c> or <c>X-Exosite-VMS</c>.</summary>
internal static class AppRequests
{
    public static HttpRequestMessage Write(string identityHeader, string identity, params (string Alias, string Value)[] values) =>
        Form("/onep:v1/stack/alias", identityHeader, identity, FormCodec.Encode(values.Select(v => new KeyValuePair<string, string>(v.Alias, v.Value))));

    public static HttpRequestMessage Record(string identityHeader, string identity, string alias, IEnumerable<(long Seconds, string Value)> points)
    {
        var pairs = new List<KeyValuePair<string, string>> { new("alias", alias) };
        pairs.AddRange(points.Select(p => new KeyValuePair<string, string>(p.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Value)));
        return Form("/onep:v1/stack/record", identityHeader, identity, FormCodec.Encode(pairs));
    }

    public static HttpRequestMessage Form(string path, string identityHeader, string identity, string body, string contentType = "application/x-www-form-urlencoded; charset=utf-8")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path.StartsWith('/') ? path : "/" + path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.TryAddWithoutValidation(identityHeader, identity);
        return request;
    }

    /// <summary>GMQ's <c>GET /status</c> as JSON.</summary>
    public static async Task<JsonElement> StatusAsync(HttpClient gmq)
    {
        using var doc = JsonDocument.Parse(await gmq.GetStringAsync("status"));
        return doc.RootElement.Clone();
    }

    /// <summary>Polls <c>GET /status</c> until the queue is empty (every value acknowledged or set aside).</summary>
    public static async Task WaitDrainedAsync(HttpClient gmq, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var status = await StatusAsync(gmq);
            if (status.GetProperty("queue").GetProperty("depth").GetInt64() == 0)
            {
                return;
            }

            // Polling a status endpoint of another process: there is no signal to await across the process boundary.
            await Task.Delay(100, cts.Token);
        }
    }
}
