using System.Net;
using Outpost.Device;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>
/// Seed 000's gateway classes, each showing the app's values arriving under the right device.
/// </summary>
/// <remarks>
/// How each class maps (the engine is not on main yet, so "through the engine" is gwe's own device client):
/// A  app → gwe's identity through the engine: gwe's DeviceClient (gwe's CIK) writes the app's value.
/// B  app → gwe's identity through the SDK/gdc: the app's own DeviceClient with gwe's CIK, records with timestamps.
/// C  app → gwe's identity through GMQ: <c>X-Exosite-CIK: &lt;gwe's CIK&gt;</c>.
/// D  mixed: writes through GMQ (gwe's CIK), configuration read straight from the cloud with the SDK, and a read
///    passed through GMQ.
/// AA–DD: the same with the app's own identity in a second product: AA/BB activate with the SDK, CC writes through GMQ
/// with <c>X-Exosite-VMS</c> (GMQ activates it), DD activates through GMQ's <c>/provision/activate</c> and mixes.
/// </remarks>
public sealed class GatewayClassTests
{
    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    [InlineData("C")]
    [InlineData("D")]
    [InlineData("AA")]
    [InlineData("BB")]
    [InlineData("CC")]
    [InlineData("DD")]
    public async Task GatewayClass_AppWrites_ValuesArriveUnderTheRightDevice(string gatewayClass)
    {
        await using var cloud = await TestCloud.StartAsync();
        using var admin = new CloudAdmin(cloud.BaseAddress, cloud.AdminToken);
        using var dir = new TempDirectory("outpost-gmq");
        var gweProduct = await admin.CreateProductAsync("app_value", "app_config");
        var gweCik = await admin.ProvisionAsync(gweProduct, "gwe-1");
        var appProduct = await admin.CreateProductAsync("app_value", "app_config");
        await admin.AllowAsync(appProduct, "app-1");
        await using var gmq = await GmqInstance.StartAsync(cloud.BaseAddress, dir.Path);
        var own = gatewayClass.Length == 2;
        var (product, serial) = own ? (appProduct, "app-1") : (gweProduct, "gwe-1");
        var cik = own ? null : gweCik;
        var value = $"hello from class {gatewayClass} & co";
        var ts = 1_700_000_000L;

        switch (gatewayClass[0])
        {
            case 'A':
            {
                using var engine = Client(cloud, cik);
                if (own)
                {
                    Assert.Equal(ActivationStatus.Activated, (await engine.ActivateAsync(product, product, serial)).Status);
                }

                await engine.WriteAsync("app_value", value);
                break;
            }

            case 'B':
            {
                using var sdk = Client(cloud, cik);
                if (own)
                {
                    await sdk.ActivateAsync(product, product, serial);
                }

                await sdk.RecordAsync("app_value", [new RecordPoint(DateTimeOffset.FromUnixTimeSeconds(ts), value)]);
                break;
            }

            case 'C':
            {
                var (header, identity) = own ? ("X-Exosite-VMS", $"{product} {product} {serial}") : ("X-Exosite-CIK", cik!);
                using var response = await gmq.Http.SendAsync(AppRequests.Record(header, identity, "app_value", [(ts, value)]));
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                await AppRequests.WaitDrainedAsync(gmq.Http, TimeSpan.FromSeconds(30));
                break;
            }

            case 'D':
            {
                if (own)
                {
                    // Activation through GMQ: it caches the CIK and hands it to the app.
                    using var activate = await gmq.Http.SendAsync(AppRequests.Form("provision/activate", "X-Unused", "-", $"vendor={product}&model={product}&sn={serial}"));
                    Assert.Equal(HttpStatusCode.OK, activate.StatusCode);
                    cik = await activate.Content.ReadAsStringAsync();
                    Assert.True(DeviceIdentity.IsCik(cik));
                }

                using var sdk = Client(cloud, cik);
                await sdk.WriteAsync("app_config", "interval=5");
                Assert.Equal("interval=5", (await sdk.ReadAsync("app_config"))["app_config"]);
                using var response = await gmq.Http.SendAsync(AppRequests.Record("X-Exosite-CIK", cik!, "app_value", [(ts, value)]));
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                using var read = new HttpRequestMessage(HttpMethod.Get, "/onep:v1/stack/alias?app_config");
                read.Headers.Add("X-Exosite-CIK", cik);
                using var readResponse = await gmq.Http.SendAsync(read);
                Assert.Equal(HttpStatusCode.OK, readResponse.StatusCode);
                Assert.Equal("app_config=interval%3D5", await readResponse.Content.ReadAsStringAsync());
                Assert.False(readResponse.Headers.Contains("X-Outpost-Stale"));
                await AppRequests.WaitDrainedAsync(gmq.Http, TimeSpan.FromSeconds(30));
                break;
            }
        }

        var history = await admin.HistoryAsync(product, serial, "app_value");
        Assert.Equal(value, Assert.Single(history).Value);
        if (gatewayClass[0] is 'B' or 'C' or 'D')
        {
            Assert.Equal(ts * 1000, history[0].Ts);
        }

        // And nothing under the other device (which may not even be activated: then the history is a 404).
        var (otherProduct, otherSerial) = own ? (gweProduct, "gwe-1") : (appProduct, "app-1");
        try
        {
            Assert.Empty(await admin.HistoryAsync(otherProduct, otherSerial, "app_value"));
        }
        catch (HttpRequestException e) when (e.Message.StartsWith("404:", StringComparison.Ordinal))
        {
        }
    }

    private static DeviceClient Client(TestCloud cloud, string? cik) =>
        new(new DeviceClientOptions { Host = cloud.BaseAddress, Cik = cik, MaxRetries = 0 });
}
