using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Outpost.Cloud.Rules;

namespace Outpost.Cloud.Webhooks;

/// <summary>
/// Calls webhooks from the store's outbox, apart from rule evaluation so a slow or dead receiver never holds up
/// rules or ingest.
/// </summary>
/// <remarks>
/// 1. Read pending deliveries, earliest first. 2. Start those due, up to <see cref="MaxInFlight"/> at once: POST the
/// stored body with its signature. 3. 2xx → delivered; otherwise attempt + 1 and the next try after exponential
/// backoff, or dead after <c>max_attempts</c> (listed by the API, retried by hand). 4. Sleep until the next due
/// time, a new delivery (<see cref="DeliverySignal"/>) or a finished call.
/// </remarks>
internal sealed class WebhookSender(IRuleStore store, DeliverySignal signal, TimeProvider clock, ILogger<WebhookSender> logger) : BackgroundService
{
    private const int MaxInFlight = 16;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxSleep = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5), PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = Timeout,
    };

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.NextAsync();
            var sleep = MaxSleep;
            try
            {
                var now = clock.GetUtcNow();
                foreach (var delivery in await store.PendingDeliveriesAsync(MaxInFlight * 4, stoppingToken))
                {
                    if (_inFlight.ContainsKey(delivery.Id))
                    {
                        continue;
                    }

                    if (delivery.NextAttempt > now)
                    {
                        sleep = delivery.NextAttempt - now < sleep ? delivery.NextAttempt - now : sleep;
                        break;
                    }

                    if (_inFlight.Count >= MaxInFlight)
                    {
                        break;
                    }

                    _inFlight[delivery.Id] = SendAsync(delivery, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                RulesLog.SenderFailed(logger, ex);
                sleep = TimeSpan.FromSeconds(5);
            }

            try
            {
                await wake.WaitAsync(sleep, clock, stoppingToken);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_inFlight.Values);
    }

    private async Task SendAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var error = await PostAsync(delivery, cancellationToken);
            var attempts = delivery.Attempts + 1;
            var now = clock.GetUtcNow();
            if (error is null)
            {
                await store.RecordAttemptAsync(delivery.Id, attempts, DeliveryStates.Delivered, now, null, now, cancellationToken);
            }
            else if (attempts >= delivery.MaxAttempts)
            {
                RulesLog.DeliveryDead(logger, delivery.Id, delivery.Url, attempts, error);
                await store.RecordAttemptAsync(delivery.Id, attempts, DeliveryStates.Dead, now, error, now, cancellationToken);
            }
            else
            {
                RulesLog.DeliveryFailed(logger, delivery.Id, delivery.Url, attempts, delivery.MaxAttempts, error);
                await store.RecordAttemptAsync(delivery.Id, attempts, DeliveryStates.Pending, now + Backoff.After(delivery.Backoff, attempts), error, now, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the delivery stays pending and is sent again after the restart.
        }
        catch (Exception ex)
        {
            RulesLog.SenderFailed(logger, ex);
        }
        finally
        {
            _inFlight.TryRemove(delivery.Id, out _);
            signal.Signal();
        }
    }

    /// <summary>One attempt; null when the receiver answered 2xx, else why not.</summary>
    private async Task<string?> PostAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("outpost-webhook", Hosting.VersionInfo.Text.Split('+')[0]));
        request.Headers.Add("X-Outpost-Delivery", delivery.Id);
        request.Headers.Add("X-Outpost-Event", delivery.EventType);
        if (delivery.Signature is not null)
        {
            request.Headers.Add(WebhookSignature.Header, delivery.Signature);
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"answered {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (HttpRequestException ex)
        {
            return ex.InnerException?.Message ?? ex.Message;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {Timeout.TotalSeconds:0} s";
        }
    }
}
