using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Outpost.Device;

/// <summary>
/// The client's one retry policy: exponential backoff with jitter on network errors, timeouts, 5xx and 429
/// (honouring <c>Retry-After</c>); any other 4xx is an answer, not a failure, and is never retried.
/// </summary>
internal static class RetryPipeline
{
    /// <summary>The key under which each attempt's request source travels, for the retry log.</summary>
    public static readonly ResiliencePropertyKey<string> SourceKey = new("outpost.device.source");

    public static ResiliencePipeline Build(DeviceClientOptions options, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider };
        if (options.MaxRetries == 0)
        {
            return builder.Build();
        }

        return builder.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<HttpRequestException>()
                .Handle<IOException>()
                .Handle<TimeoutException>()
                .Handle<TransientStatusException>(),
            MaxRetryAttempts = options.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = options.RetryMaxDelay,
            DelayGenerator = args =>
            {
                // A server that says when to come back (429/503 Retry-After) knows better than our backoff.
                var after = args.Outcome.Exception is TransientStatusException { RetryAfter: { } wait }
                    ? wait < options.RetryMaxDelay ? wait : options.RetryMaxDelay
                    : (TimeSpan?)null;
                return ValueTask.FromResult(after);
            },
            OnRetry = args =>
            {
                var source = args.Context.Properties.GetValue(SourceKey, "device-api");
                DeviceLog.Retrying(logger, source, args.AttemptNumber + 1, args.Outcome.Exception?.Message ?? "unknown", args.RetryDelay);
                return default;
            },
        }).Build();
    }
}
