using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ModelOps.Scoring.Tests.Telemetry;

/// <summary>Every log entry at every level: event id, message, and the values of its template's placeholders.</summary>
internal sealed class RecordingLogs : ILoggerFactory, ILoggerProvider
{
    public ConcurrentQueue<(EventId Id, string Message, string[] Values)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Recorder(RecordingLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string[] values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.Select(p => p.Value?.ToString() ?? string.Empty).ToArray() : [];
            owner.Entries.Enqueue((eventId, formatter(state, exception) + " " + exception?.Message, values));
        }
    }
}
