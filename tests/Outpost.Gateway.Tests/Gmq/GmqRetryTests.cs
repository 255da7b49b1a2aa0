using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary><c>POST /dead-letters/retry</c>: a retry asks for another activation only of the devices it requeued.</summary>
public sealed class GmqRetryTests
{
    [Fact]
    public async Task Retry_ClearsARefusedActivation_OnlyOfTheDevicesItRequeued_AndAFailedRetryChangesNothing()
    {
        await using var fx = await GmqFixture.StartAsync();

        // A VMS identity the cloud does not allow: GMQ's activation is refused (404), its value goes to dead letters
        // and GMQ stops trying. Then the cloud allows it: only a retry that requeues its value may try again.
        var refused = $"{fx.Product} {fx.Product} late";
        var refusedKey = $"vms:{refused}";
        using (var write = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-VMS", refused, ("v", "waited for a retry"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
        }

        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        await fx.Admin.AllowAsync(fx.Product, "late");

        // Another device's dead letter: a voided CIK.
        using (var write = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", new string('c', 40), ("v", "nobody's"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
        }

        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        var other = (await fx.Queue.ListDeadLettersAsync()).Single(d => d.DeviceKey != refusedKey).DeviceKey;
        var otherId = Assert.Single(await fx.Queue.ListDeadLetterValuesAsync(other, 10)).MessageId;

        // A retry of an id that is not a dead letter is refused and changes nothing; one of the other device's value
        // requeues that value only. Neither may send GMQ to activate the refused identity again.
        Assert.Equal((404, $"retry: {fx.Queue.InstanceId}-999999 is not a dead letter (gwe gmq dead-letters lists them)"), await RetryAsync(fx, $"id={fx.Queue.InstanceId}-999999"));
        Assert.Equal((200, "requeued 1"), await RetryAsync(fx, "id=" + otherId));

        // retry has no all field (naming nothing is every dead letter): its refusals do not offer one.
        Assert.Equal((400, "retry: unknown field 'devise' (device=KEY, id=ID; name neither for every dead letter)"), await RetryAsync(fx, "devise=x"));
        Assert.Equal((400, "retry: unknown field 'all' (device=KEY, id=ID; name neither for every dead letter)"), await RetryAsync(fx, "all=true"));

        // The retry woke the forwarder: its pass activates pending identities first, then sends (the value is refused
        // again). Drained, that pass is over.
        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        Assert.Equal(2, fx.Queue.Statistics.DeadLetters);
        Assert.Equal("notactivated", await CloudStatusAsync(fx, "late"));

        // A retry of its own value does: activated, and the value delivered.
        Assert.Equal((200, "requeued 1"), await RetryAsync(fx, "device=" + Uri.EscapeDataString(refusedKey)));
        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        Assert.Equal("activated", await CloudStatusAsync(fx, "late"));
        Assert.Equal("waited for a retry", Assert.Single(await fx.Admin.HistoryAsync(fx.Product, "late", "v")).Value);
    }

    private static async Task<(int Status, string Body)> RetryAsync(GmqFixture fx, string form)
    {
        using var content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await fx.Http.PostAsync("dead-letters/retry", content);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ((int)response.StatusCode, body);
        }

        using var doc = JsonDocument.Parse(body);
        return (200, $"requeued {doc.RootElement.GetProperty("requeued").GetInt64()}");
    }

    private static async Task<string?> CloudStatusAsync(GmqFixture fx, string serial)
    {
        using var admin = new HttpClient { BaseAddress = fx.Cloud.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", fx.Cloud.AdminToken);
        var device = await admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{fx.Product}/devices/{serial}");
        return device.GetProperty("status").GetString();
    }
}
