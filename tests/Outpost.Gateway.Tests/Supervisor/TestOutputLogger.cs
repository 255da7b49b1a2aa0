using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Outpost.Gateway.Tests.Supervisor;

/// <summary>Sends the supervisor's log to the test's output, so a failing test shows what the supervisor saw.</summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : "\n" + exception)}");
        }
        catch (InvalidOperationException)
        {
            // Output after the test ended (a late exit during disposal) has nowhere to go.
        }
    }
}
