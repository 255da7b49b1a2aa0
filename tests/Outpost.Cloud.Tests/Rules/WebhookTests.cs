using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outpost.Cloud.Webhooks;
using Outpost.Testing;
using static Outpost.Cloud.Tests.Rules.RuleHarness;

namespace Outpost.Cloud.Tests.Rules;

public sealed class WebhookTests
{
    private const string Secret = "hook-secret-for-the-test";

    /// <summary>A real Kestrel receiver on loopback: /ok accepts, /flaky fails twice then accepts, /down always fails, /slow hangs until released.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _flakyCalls;

        private Receiver(WebApplication app) => _app = app;

        public ConcurrentQueue<(string Path, string Body, string? Signature, string? Event, long At)> Calls { get; } = new();

        public TaskCompletionSource ReleaseSlow { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SlowCalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Uri Base { get; private set; } = null!;

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/{kind}", async (HttpContext context, string kind) =>
            {
                var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
                receiver.Calls.Enqueue((kind, body, context.Request.Headers[WebhookSignature.Header].FirstOrDefault(), context.Request.Headers["X-Outpost-Event"].FirstOrDefault(), TimeProvider.System.GetTimestamp()));
                switch (kind)
                {
                    case "ok":
                        return Results.NoContent();
                    case "flaky":
                        return Interlocked.Increment(ref receiver._flakyCalls) <= 2 ? Results.StatusCode(500) : Results.NoContent();
                    case "slow":
                        receiver.SlowCalled.TrySetResult();
                        await receiver.ReleaseSlow.Task;
                        return Results.NoContent();
                    default:
                        return Results.StatusCode(503);
                }
            });
            await app.StartAsync();
            receiver.Base = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            ReleaseSlow.TrySetResult();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static async Task<List<JsonElement>> DeliveriesAsync(TestCloud cloud, string pid, string? state = null) =>
        (await cloud.Admin.GetFromJsonAsync<List<JsonElement>>($"api/v1/products/{pid}/webhook-deliveries" + (state is null ? "" : "?state=" + state)))!;

    [Fact]
    public async Task Webhook_IsRetriedWithBackoff_Signed_AndDeadLetteredAfterMaxAttempts_WhileASlowOneBlocksNothing()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await cloud.AddAliasAsync(pid, "temp", "number", settable: false);
        string Rule(string name, string path, int attempts) => $$$"""
            {"name": "{{{name}}}", "alias": "temp", "op": ">", "value": 30,
             "actions": [{"webhook": {"url": "{{{receiver.Base}}}{{{path}}}", "secret": "{{{Secret}}}", "max_attempts": {{{attempts}}}, "backoff": "50ms"}}]}
            """;
        await CreateRuleAsync(cloud, pid, Rule("slow", "slow", 1));
        var cik = await cloud.ProvisionAsync(pid, "gw-1");
        await DeviceWriteAsync(cloud, cik, "temp=31");
        await receiver.SlowCalled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The slow receiver holds its call open; rules keep evaluating and ingest keeps going.
        await CreateRuleAsync(cloud, pid, Rule("flaky", "flaky", 5));
        await CreateRuleAsync(cloud, pid, Rule("down", "down", 3));
        await CreateRuleAsync(cloud, pid, """{"name": "alert", "alias": "temp", "op": ">", "value": 40, "actions": [{"alert": {}}]}""");
        await DeviceWriteAsync(cloud, cik, "temp=20");
        await DeviceWriteAsync(cloud, cik, "temp=41");
        await CaughtUpAsync(cloud);
        Assert.Single(await AlertsAsync(cloud, pid, "open"));

        await UntilAsync(cloud, async () => (await DeliveriesAsync(cloud, pid, "dead")).Count == 1 && (await DeliveriesAsync(cloud, pid, "delivered")).Count == 1,
            "the flaky delivery never arrived or the down one never died");
        var flaky = receiver.Calls.Where(c => c.Path == "flaky").ToList();
        Assert.Equal(3, flaky.Count); // 500, 500, then 204
        Assert.Single(flaky.Select(c => c.Body).Distinct()); // retries send the same bytes
        Assert.All(flaky, c => Assert.True(WebhookSignature.Verify(Secret, c.Body, c.Signature), $"bad signature {c.Signature}"));
        Assert.All(flaky, c => Assert.Equal("rule.opened", c.Event));
        var payload = JsonDocument.Parse(flaky[0].Body).RootElement;
        Assert.Equal(("flaky", "gw-1", "temp", "41", pid), (payload.GetProperty("rule").GetString(), payload.GetProperty("serial").GetString(),
            payload.GetProperty("alias").GetString(), payload.GetProperty("value").GetString(), payload.GetProperty("product_id").GetString()));
        Assert.False(WebhookSignature.Verify("another-secret", flaky[0].Body, flaky[0].Signature));

        var dead = Assert.Single(await DeliveriesAsync(cloud, pid, "dead"));
        Assert.Equal((3, "answered 503 Service Unavailable"), (dead.GetProperty("attempts").GetInt32(), dead.GetProperty("last_error").GetString()));
        var down = receiver.Calls.Where(c => c.Path == "down").ToList();
        Assert.Equal(3, down.Count);

        // Backed off, not hammered: at least the rule's 50 ms before the second attempt, twice that before the third.
        Assert.True(TimeProvider.System.GetElapsedTime(down[0].At, down[1].At) >= TimeSpan.FromMilliseconds(50), "second attempt came sooner than 50 ms");
        Assert.True(TimeProvider.System.GetElapsedTime(down[1].At, down[2].At) >= TimeSpan.FromMilliseconds(100), "third attempt came sooner than 100 ms");
        var delivered = Assert.Single(await DeliveriesAsync(cloud, pid, "delivered"));
        Assert.Equal(3, delivered.GetProperty("attempts").GetInt32());
        Assert.Equal(3, (await DeliveriesAsync(cloud, pid, "pending")).Count); // the slow rule's open, clear, open: still in flight

        // A dead letter can be sent again by hand: a fresh set of attempts, dead again after three more.
        using (var retry = await cloud.Admin.PostAsync($"api/v1/webhook-deliveries/{dead.GetProperty("id").GetString()}/retry", null))
        {
            Assert.Equal("pending", (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        }

        await UntilAsync(cloud, () => Task.FromResult(receiver.Calls.Count(c => c.Path == "down") == 6), "the retried delivery was not attempted again");
        await UntilAsync(cloud, async () => (await DeliveriesAsync(cloud, pid, "dead")).Count == 1, "the retried delivery did not die again");

        receiver.ReleaseSlow.TrySetResult();
        await UntilAsync(cloud, async () => (await DeliveriesAsync(cloud, pid, "delivered")).Count == 4, "the slow deliveries never completed");
    }

    [Fact]
    public async Task OpenedAndCleared_NameTheAlertAndItsSeverity_WhateverTheActionsOrder_AlsoAfterARestart()
    {
        await using var receiver = await Receiver.StartAsync();
        using var data = new TempDirectory("outpost-webhook-alert");
        string pid, cik;
        var cloud = await TestCloud.StartAsync(data.Path);
        try
        {
            pid = await cloud.CreateProductAsync();
            await cloud.AddAliasAsync(pid, "temp", "number", settable: false);
            var webhook = $$$"""{"webhook": {"url": "{{{receiver.Base}}}ok", "secret": "{{{Secret}}}"}}""";
            await CreateRuleAsync(cloud, pid, $$$"""
                {"name": "alert-first", "alias": "temp", "op": ">", "value": 30, "actions": [{"alert": {"severity": "critical"}}, {{{webhook}}}]}
                """);
            await CreateRuleAsync(cloud, pid, $$$"""
                {"name": "webhook-first", "alias": "temp", "op": ">", "value": 30, "actions": [{{{webhook}}}, {"alert": {"severity": "info"}}]}
                """);
            cik = await cloud.ProvisionAsync(pid, "gw-1");

            await DeviceWriteAsync(cloud, cik, "temp=31");
            await DeviceWriteAsync(cloud, cik, "temp=20");
            await DeviceWriteAsync(cloud, cik, "temp=32");
            await UntilAsync(cloud, () => Task.FromResult(receiver.Calls.Count == 6), "the webhooks of open, clear, open never all arrived");
        }
        finally
        {
            await cloud.DisposeAsync();
        }

        // The clear after a restart names the alert the firing opened before it.
        await using (var restarted = await TestCloud.StartAsync(data.Path))
        {
            await DeviceWriteAsync(restarted, cik, "temp=21");
            await UntilAsync(restarted, () => Task.FromResult(receiver.Calls.Count == 8), "the webhooks of the clear after the restart never arrived");
            var alerts = await AlertsAsync(restarted, pid);
            foreach (var (rule, severity) in new[] { ("alert-first", "critical"), ("webhook-first", "info") })
            {
                // Each firing's alert (opened by 31, then by 32; both cleared) is named by its opened and by its cleared webhook.
                var opened = alerts.Where(a => a.GetProperty("rule").GetString() == rule)
                    .Select(a => (Type: (string?)"rule.opened", Id: a.GetProperty("id").GetString(), Severity: a.GetProperty("severity").GetString(), Value: a.GetProperty("value").GetString()))
                    .OrderBy(a => a.Value, StringComparer.Ordinal).ToList();
                Assert.Equal([("31", severity), ("32", severity)], opened.Select(a => (a.Value, a.Severity)));
                var cleared = opened.Select(a => a with { Type = "rule.cleared", Value = a.Value == "31" ? "20" : "21" });
                var bodies = receiver.Calls.Select(c => JsonDocument.Parse(c.Body).RootElement).Where(b => b.GetProperty("rule").GetString() == rule)
                    .Select(b => (Type: b.GetProperty("type").GetString(), Id: b.GetProperty("alert_id").GetString(), Severity: b.GetProperty("severity").GetString(),
                        Value: b.GetProperty("value").GetString()))
                    .OrderBy(b => b.Value, StringComparer.Ordinal);
                Assert.Equal(opened.Concat(cleared).OrderBy(b => b.Value, StringComparer.Ordinal).ToList(), bodies.ToList());
            }
        }
    }

    [Fact]
    public async Task WebhookBody_KeepsQuotesAndAngleBracketsAsTheyAre_ForThePeopleWhoReadIt()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await CreateRuleAsync(cloud, pid, $$$"""
            {"name": "said", "mode": "event", "alias": "device_info", "op": "contains", "value": "'",
             "actions": [{"webhook": {"url": "{{{receiver.Base}}}down", "secret": "{{{Secret}}}", "max_attempts": 1}}]}
            """);
        var cik = await cloud.ProvisionAsync(pid, "gw-1");

        await DeviceWriteAsync(cloud, cik, "device_info=" + Uri.EscapeDataString("Bob's <box> & café"));

        await UntilAsync(cloud, () => Task.FromResult(!receiver.Calls.IsEmpty), "the webhook was never sent");
        var call = Assert.Single(receiver.Calls);
        Assert.Contains("\"value\":\"Bob's <box> & café\"", call.Body, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify(Secret, call.Body, call.Signature), $"bad signature {call.Signature}");
        await UntilAsync(cloud, async () => (await DeliveriesAsync(cloud, pid, "dead")).Count == 1, "the delivery did not die");
        Assert.Equal(call.Body, Assert.Single(await DeliveriesAsync(cloud, pid, "dead")).GetProperty("body").GetString());
    }
}
