using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>The local host's log messages, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Handler for {App} started (pid {ProcessId}) on 127.0.0.1:{Port}")]
    public static partial void HandlerStarted(ILogger logger, string app, int processId, int port);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Handler for {App} exited with code {ExitCode}; restarting in {Delay}")]
    public static partial void HandlerExited(ILogger logger, string app, int exitCode, TimeSpan delay);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Executing '{Function}' (reason: {Reason}, id: {InvocationId})")]
    public static partial void Executing(ILogger logger, string function, string reason, Guid invocationId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Executed '{Function}' (Succeeded, id: {InvocationId}, {ElapsedMs} ms)")]
    public static partial void Executed(ILogger logger, string function, Guid invocationId, long elapsedMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Executed '{Function}' (Failed, id: {InvocationId}): {Reason}")]
    public static partial void Failed(ILogger logger, string function, Guid invocationId, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "{Function}: {Message}")]
    public static partial void HandlerLog(ILogger logger, string function, string message);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Message {MessageId} on '{Queue}' reached dequeue count {DequeueCount}; moved to '{PoisonQueue}'")]
    public static partial void Poisoned(ILogger logger, string messageId, string queue, long dequeueCount, string poisonQueue);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Polling queue '{Queue}' failed: {Reason}")]
    public static partial void PollFailed(ILogger logger, string queue, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Timer '{Function}' next runs at {Next:o}")]
    public static partial void TimerScheduled(ILogger logger, string function, DateTime next);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "{Method} {Path} → {Function}: {Status}")]
    public static partial void HttpRequest(ILogger logger, string method, string path, string function, int status);
}
