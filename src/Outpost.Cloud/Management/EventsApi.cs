using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Outpost.Cloud.Registry;
using Outpost.Cloud.Stream;

using Outpost.Cloud.Management.Contracts;

namespace Outpost.Cloud.Management;

/// <summary>
/// Lets an outside consumer follow a product's event stream: <c>GET /api/v1/products/{pid}/events?after=N</c> answers
/// JSON (long-polling up to <c>wait</c> seconds when there is nothing new), or server-sent events with
/// <c>Accept: text/event-stream</c> (resuming after <c>Last-Event-ID</c>).
/// </summary>
internal static class EventsApi
{
    private const int MaxWaitSeconds = 300;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/products/{pid}/events", ReadAsync)
            .WithTags("Events")
            .WithName("ReadEvents").Produces<EventPageDto>(200, "application/json", "text/event-stream")
            .WithSummary("Events after an offset (JSON, long poll with wait=seconds), or a server-sent event stream")
            .Require(TokenRole.Viewer);
    }

    private static async Task<IResult> ReadAsync(HttpContext context, string pid, IRegistryStore registry, IEventStream stream, TimeProvider clock, IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        if (await registry.GetProductAsync(pid, ct) is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        var query = context.Request.Query;
        var afterText = query["after"].FirstOrDefault() ?? context.Request.Headers["Last-Event-ID"].FirstOrDefault();
        long after = 0;
        if (afterText is not null && !long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            return Problems.BadRequest("after must be an event offset (a whole number)");
        }

        var limit = 500;
        if (query["limit"].FirstOrDefault() is { } limitText && (!int.TryParse(limitText, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 10_000))
        {
            return Problems.BadRequest("limit must be 1-10000");
        }

        if (context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.ServerSentEvents(FollowAsync(stream, pid, after, lifetime.ApplicationStopping, ct));
        }

        var wait = 0;
        if (query["wait"].FirstOrDefault() is { } waitText && (!int.TryParse(waitText, CultureInfo.InvariantCulture, out wait) || wait is < 0 or > MaxWaitSeconds))
        {
            return Problems.BadRequest($"wait must be 0-{MaxWaitSeconds} seconds");
        }

        var deadline = clock.GetUtcNow().AddSeconds(wait);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        while (true)
        {
            var next = stream.NextAppendAsync();
            var events = await stream.ReadAsync(after, limit, pid, ct);
            var remaining = deadline - clock.GetUtcNow();
            if (events.Count > 0 || remaining <= TimeSpan.Zero)
            {
                return Results.Ok(new EventPageDto(events, events.Count > 0 ? events[^1].Offset : after));
            }

            try
            {
                await next.WaitAsync(remaining, clock, stopping.Token);
            }
            catch (TimeoutException)
            {
                return Results.Ok(new EventPageDto(events, after));
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                // Shutting down: an empty page, as a timeout gives, lets the consumer poll again (after the restart) at once
                // instead of holding the shutdown until the host cuts it off with no answer.
                return Results.Ok(new EventPageDto(events, after));
            }
        }
    }

    private static async IAsyncEnumerable<SseItem<DeviceEvent>> FollowAsync(
        IEventStream stream, string pid, long after, CancellationToken stopping, [EnumeratorCancellation] CancellationToken ct)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(stopping, ct);
        while (!both.IsCancellationRequested)
        {
            var next = stream.NextAppendAsync();
            var events = await stream.ReadAsync(after, 500, pid, both.Token);
            foreach (var e in events)
            {
                yield return new SseItem<DeviceEvent>(e, e.Kind) { EventId = e.Offset.ToString(CultureInfo.InvariantCulture) };
                after = e.Offset;
            }

            if (events.Count == 0)
            {
                try
                {
                    await next.WaitAsync(both.Token);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
    }
}
