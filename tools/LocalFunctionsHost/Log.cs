using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>The local host's log messages, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Worker for {App} started (pid {ProcessId}), {Functions} functions loaded")]
    public static partial void WorkerStarted(ILogger logger, string app, int processId, int functions);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Worker for {App} exited with code {ExitCode}; restarting in {Delay}")]
    public static partial void WorkerExited(ILogger logger, string app, int exitCode, TimeSpan delay);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Executing '{Function}' (reason: {Reason}, id: {InvocationId})")]
    public static partial void Executing(ILogger logger, string function, string reason, string invocationId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Executed '{Function}' (Succeeded, id: {InvocationId}, {ElapsedMs} ms)")]
    public static partial void Executed(ILogger logger, string function, string invocationId, long elapsedMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Executed '{Function}' (Failed, id: {InvocationId}): {Reason}")]
    public static partial void Failed(ILogger logger, string function, string invocationId, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "{App}: {Line}")]
    public static partial void WorkerOutput(ILogger logger, string app, string line);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Message {MessageId} on '{Queue}' reached dequeue count {DequeueCount}; moved to '{PoisonQueue}'")]
    public static partial void Poisoned(ILogger logger, string messageId, string queue, long dequeueCount, string poisonQueue);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Polling queue '{Queue}' failed: {Reason}")]
    public static partial void PollFailed(ILogger logger, string queue, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Timer '{Function}' next runs at {Next:o}")]
    public static partial void TimerScheduled(ILogger logger, string function, DateTime next);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "{Method} {Path} → {Function}: {Status}")]
    public static partial void HttpRequest(ILogger logger, string method, string path, string function, int status);

    [LoggerMessage(EventId = 11, Message = "{App} [{Category}]: {Message}")]
    public static partial void WorkerLog(ILogger logger, LogLevel level, string app, string category, string message);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "{App}: ignored a {Kind} message from the worker")]
    public static partial void WorkerMessageIgnored(ILogger logger, string app, string kind);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "{App}: the worker failed to load function {FunctionId}: {Reason}")]
    public static partial void FunctionLoadFailed(ILogger logger, string app, string functionId, string reason);

    [LoggerMessage(EventId = 14, Level = LogLevel.Error, Message = "Worker for {App} did not come back: {Reason}")]
    public static partial void WorkerFailed(ILogger logger, string app, string reason);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "{Method} {Path} → {Function}: forwarding to the worker failed ({Error})")]
    public static partial void ForwardFailed(ILogger logger, string method, string path, string function, string error);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "'{Function}' has a {Trigger} trigger, which this host does not run")]
    public static partial void TriggerNotSupported(ILogger logger, string function, string trigger);

    [LoggerMessage(EventId = 17, Level = LogLevel.Error, Message = "'{Function}' is not run: {Reason}")]
    public static partial void FunctionError(ILogger logger, string function, string reason);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Task hub '{HubName}' started; durable client endpoint {RpcBaseUrl}")]
    public static partial void TaskHubStarted(ILogger logger, string hubName, string rpcBaseUrl);

    [LoggerMessage(EventId = 33, Level = LogLevel.Error, Message = "Task hub '{HubName}' did not start, so {App}'s orchestrations, activities and durable clients do not run (its other functions do): {Reason}")]
    public static partial void TaskHubFailed(ILogger logger, string hubName, string app, string reason);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "'{Function}' for orchestration {InstanceId} did not complete ({Reason}); the work item is handed out again")]
    public static partial void DurableWorkItemAborted(ILogger logger, string function, string instanceId, string reason);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "{Method} {Path}: {Status}")]
    public static partial void DurableWebhook(ILogger logger, string method, string path, int status);
}
