using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Outpost.Gateway.Tests.Engine;

/// <summary>A logger provider that hands the test every entry (event id, level, structured values), as it is written.</summary>
internal sealed class CapturedLog : ILoggerProvider, ILogger
{
    /// <summary>Every entry, in order.</summary>
    public Channel<Entry> Entries { get; } = Channel.CreateUnbounded<Entry>();

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        Entries.Writer.TryWrite(new Entry(eventId.Id, logLevel, values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal)));
    }

    public void Dispose()
    {
    }

    /// <summary>One log entry.</summary>
    internal sealed record Entry(int EventId, LogLevel Level, IReadOnlyDictionary<string, object?> Values)
    {
        public string? Text(string key) => Values.GetValueOrDefault(key) as string;
    }
}
