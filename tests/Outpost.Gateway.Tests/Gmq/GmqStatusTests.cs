using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Outpost.Gateway.Engine;
using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>What a person reading <c>GET /status</c> and <c>/dead-letters</c> sees, next to <c>engine_report.gmq</c>.</summary>
public sealed partial class GmqStatusTests
{
    [Fact]
    public async Task Status_WhileOffline_NamesEachFigureAsEngineReportDoes_SnakeCaseWithSeconds()
    {
        await using var fx = await GmqFixture.StartAsync(cloudDown: true);
        using (var response = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", fx.Cik, ("v", "1"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        JsonElement status;
        var deadline = TimeProvider.System.GetTimestamp() + (30 * TimeProvider.System.TimestampFrequency);
        while ((status = await AppRequests.StatusAsync(fx.Http)).GetProperty("link").GetProperty("state").GetString() != "down")
        {
            // Another process's view of the link: polled, there is no event to await through HTTP.
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, "GMQ never found the cloud unreachable");
            await Task.Delay(50);
        }

        var raw = await fx.Http.GetStringAsync("status");
        foreach (Match name in JsonName().Matches(raw))
        {
            var text = name.Groups[1].Value;
            Assert.True(text.StartsWith("cik:", StringComparison.Ordinal) || SnakeCase().IsMatch(text), $"'{text}' is not snake_case");
        }

        var queue = status.GetProperty("queue");
        var report = JsonSerializer.SerializeToElement(
            EngineReportBuilder.Build(TimeSpan.Zero, [], [], fx.Queue.Statistics, fx.Link.Snapshot()), ReportsJsonContext.Default.EngineReport).GetProperty("gmq");
        foreach (var figure in report.EnumerateObject().Where(p => p.Name != "link"))
        {
            Assert.True(queue.TryGetProperty(figure.Name, out var same), $"GET /status has no queue.{figure.Name}");
            Assert.Equal(figure.Value.ValueKind, same.ValueKind);
        }

        Assert.Equal(1, queue.GetProperty("depth").GetInt64());
        Assert.Equal(0, queue.GetProperty("dropped_by").GetProperty("overflow").GetInt64());
        Assert.Equal(JsonValueKind.Number, queue.GetProperty("oldest_age").ValueKind);
        var link = status.GetProperty("link");
        Assert.Equal(JsonValueKind.Number, link.GetProperty("down_time").ValueKind);
        Assert.Equal(JsonValueKind.String, link.GetProperty("last_error").ValueKind);
        Assert.True(link.GetProperty("last_down_at_ms").GetInt64() > 0);
    }

    [GeneratedRegex("\"([^\"]+)\"\\s*:")]
    private static partial Regex JsonName();

    [GeneratedRegex("^[a-z0-9]+(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();
}
