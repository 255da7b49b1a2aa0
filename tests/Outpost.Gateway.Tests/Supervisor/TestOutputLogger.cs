using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Outpost.Gateway.Tests.Supervisor;

/// <summary>
/// Sends the supervisor's log to the test's output, so a failing test shows what the supervisor saw, and keeps each
/// entry for tests about the log itself.
/// </summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper? output) : ILogger<T>
{
    /// <summary>Every entry logged so far: its event id and formatted message.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(int EventId, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Entries.Enqueue((eventId.Id, formatter(state, exception)));
        try
        {
            output?.WriteLine($"{logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : "\n" + exception)}");
        }
        catch (InvalidOperationException)
        {
            // Output after the test ended (a late exit during disposal) has nowhere to go.
        }
    }
}
