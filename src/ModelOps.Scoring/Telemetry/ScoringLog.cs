using Microsoft.Extensions.Logging;

namespace ModelOps.Scoring.Telemetry;

/// <summary>Scoring's log messages, EventIds 3100–3199. Never feature values, entity keys or artifact bytes.</summary>
internal static partial class ScoringLog
{
    [LoggerMessage(3101, LogLevel.Information, "Loaded version {Version} of model {Model} with engine {Engine} ({Bytes} bytes).")]
    public static partial void VersionLoaded(ILogger logger, string model, int version, string engine, long bytes);

    [LoggerMessage(3102, LogLevel.Error, "Version {Version} of model {Model} failed to load; what is cached keeps serving.")]
    public static partial void VersionLoadFailed(ILogger logger, string model, int version, Exception exception);

    [LoggerMessage(3103, LogLevel.Information, "Alias {Alias} of model {Model} swapped from version {From} to {To}.")]
    public static partial void AliasSwapped(ILogger logger, string model, string alias, int from, int to);

    [LoggerMessage(3104, LogLevel.Warning, "Polling alias {Alias} of model {Model} failed; serving the cached version {Version}.")]
    public static partial void PollFailed(ILogger logger, string model, string alias, int version, Exception exception);

    [LoggerMessage(3105, LogLevel.Information, "Released version {Version} of model {Model} from the cache.")]
    public static partial void VersionReleased(ILogger logger, string model, int version);

    [LoggerMessage(3106, LogLevel.Warning, "Shadow queue full; dropped a shadow request for model {Model}.")]
    public static partial void ShadowDropped(ILogger logger, string model);

    [LoggerMessage(3107, LogLevel.Warning, "Shadow scoring of model {Model} alias {Alias} failed.")]
    public static partial void ShadowFailed(ILogger logger, string model, string alias, Exception exception);

    [LoggerMessage(3108, LogLevel.Error, "Writing {Count} payload records of model {Model} failed; they are dropped.")]
    public static partial void PayloadWriteFailed(ILogger logger, string model, int count, Exception exception);

    [LoggerMessage(3109, LogLevel.Warning, "Payload buffer full; dropping records of model {Model}.")]
    public static partial void PayloadDropped(ILogger logger, string model);

    [LoggerMessage(3110, LogLevel.Debug, "Scored {Rows} rows of model {Model} version {Version} ({Alias}, {Engine}) in {Milliseconds} ms.")]
    public static partial void Scored(ILogger logger, string model, int version, string alias, string engine, int rows, double milliseconds);

    [LoggerMessage(3111, LogLevel.Information, "Refused a request for model {Model}: {Count} validation problems.")]
    public static partial void Refused(ILogger logger, string model, int count);
}
