using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost.Durable;

/// <summary>
/// The Durable Task Framework's own logs (partition leases, storage errors, aborted work items) in the host's
/// log, warnings and above only: at Information it reports every message and checkpoint.
/// </summary>
internal sealed class FrameworkLog(ILogger host) : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && host.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            host.Log(logLevel, eventId, state, exception, formatter);
        }
    }

    public void Dispose()
    {
    }
}
