using Microsoft.AspNetCore.Http;

namespace Outpost.Device.Tests;

/// <summary>Retries against a loopback Kestrel that counts attempts: 5xx, 429 and dropped connections retry; other 4xx never.</summary>
public sealed class RetryTests
{
    private const string Cik = "0123456789abcdef0123456789abcdef01234567";

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(408)]
    [InlineData(413)]
    public async Task WriteAsync_ClientError_IsNotRetried(int status)
    {
        var attempts = 0;
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            Interlocked.Increment(ref attempts);
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });
        using var client = new DeviceClient(Clients.Options(server.BaseAddress, Cik, retries: 4));

        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.WriteAsync("a", "1"));

        Assert.Equal(1, attempts);
        Assert.Equal(DeviceErrorKind.Rejected, error.Kind);
        Assert.Equal(status, error.StatusCode);
    }

    [Fact]
    public async Task WriteAsync_Unauthorized_IsNotRetried()
    {
        var attempts = 0;
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            Interlocked.Increment(ref attempts);
            context.Response.StatusCode = 401;
            return Task.CompletedTask;
        });
        using var client = new DeviceClient(Clients.Options(server.BaseAddress, Cik, retries: 4));

        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.WriteAsync("a", "1"));

        Assert.Equal(1, attempts);
        Assert.Equal(DeviceErrorKind.Unauthorized, error.Kind);
    }

    [Fact]
    public async Task WriteAsync_ServerError_RetriesThenFailsAsUnavailable()
    {
        var attempts = 0;
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            Interlocked.Increment(ref attempts);
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        using var client = new DeviceClient(Clients.Options(server.BaseAddress, Cik, retries: 3));

        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.WriteAsync("a", "1"));

        Assert.Equal(4, attempts);
        Assert.Equal(DeviceErrorKind.Unavailable, error.Kind);
        Assert.Equal(503, error.StatusCode);
        Assert.Equal(4, client.Bandwidth.Snapshot()["write:a"].Requests);
    }

    [Fact]
    public async Task WriteAsync_TooManyRequestsWithRetryAfter_RetriesAndSucceeds()
    {
        var attempts = 0;
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "0";
                return Task.CompletedTask;
            }

            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        using var client = new DeviceClient(Clients.Options(server.BaseAddress, Cik, retries: 3));

        await client.WriteAsync("a", "1");

        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task ReadAsync_DroppedConnection_IsRetried()
    {
        var attempts = 0;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref attempts) < 3)
            {
                context.Abort();
                return;
            }

            context.Response.StatusCode = 200;
            await context.Response.WriteAsync("a=1%262");
        });
        using var client = new DeviceClient(Clients.Options(server.BaseAddress, Cik, retries: 3));

        var values = await client.ReadAsync("a");

        Assert.Equal(3, attempts);
        Assert.Equal("1&2", values["a"]);
    }

    [Fact]
    public async Task WriteAsync_NoRetriesConfigured_MakesOneAttempt()
    {
        var attempts = 0;
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            Interlocked.Increment(ref attempts);
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        using var client = new DeviceClient(Clients.Options(server.BaseAddress, Cik, retries: 0));

        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.WriteAsync("a", "1"));

        Assert.Equal(1, attempts);
        Assert.Equal(DeviceErrorKind.Unavailable, error.Kind);
    }

    [Fact]
    public async Task WriteAsync_SendsFormEncodedBodyAndCik()
    {
        string? body = null, cik = null, type = null;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            body = await reader.ReadToEndAsync();
            cik = context.Request.Headers["X-Exosite-CIK"];
            type = context.Request.ContentType;
            context.Response.StatusCode = 204;
        });
        using var client = new DeviceClient(Clients.Options(server.BaseAddress, Cik));

        await client.WriteAsync("a", "x&y=z%+ é\n");

        Assert.Equal("a=x%26y%3Dz%25%2B%20%C3%A9%0A", body);
        Assert.Equal(Cik, cik);
        Assert.StartsWith("application/x-www-form-urlencoded", type, StringComparison.Ordinal);
    }
}
