using Microsoft.Extensions.Logging;

namespace ModelOps.Pipelines.Batch;

/// <summary>The batch functions' own logs, EventIds 5150–5159 (the runner's are 5100–5149).</summary>
internal static partial class Log
{
    [LoggerMessage(5150, LogLevel.Warning, "A batch message was refused: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);

    [LoggerMessage(5151, LogLevel.Information, "Stream message {RequestId} for {Model}: {Rows} rows scored.")]
    public static partial void StreamScored(ILogger logger, string requestId, string model, int rows);

    [LoggerMessage(5152, LogLevel.Warning, "Stream message {MessageId} sent to the poison queue: {Reason}")]
    public static partial void StreamPoisoned(ILogger logger, string messageId, string reason);
}
