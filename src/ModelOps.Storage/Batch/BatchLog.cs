using Microsoft.Extensions.Logging;

namespace ModelOps.Storage.Batch;

/// <summary>Batch and streaming scoring logs, EventIds 5100–5149. Names, ids and counts only, never feature values.</summary>
internal static partial class BatchLog
{
    [LoggerMessage(5100, LogLevel.Information, "Batch run {Job}/{RunId} planned: {Chunks} chunks, {Rows} rows, {Model} v{Version}.")]
    public static partial void Planned(ILogger logger, string job, string runId, int chunks, long rows, string model, int version);

    [LoggerMessage(5101, LogLevel.Warning, "Batch run {Job}/{RunId} failed at planning: {Reason}")]
    public static partial void PlanFailed(ILogger logger, string job, string runId, string reason);

    [LoggerMessage(5102, LogLevel.Information, "Batch chunk {Job}/{RunId}/{Chunk} done: {Scored} scored, {Skipped} already scored, {Invalid} refused in {Seconds:0.000} s.")]
    public static partial void ChunkDone(ILogger logger, string job, string runId, int chunk, long scored, long skipped, long invalid, double seconds);

    [LoggerMessage(5103, LogLevel.Warning, "Batch chunk {Job}/{RunId}/{Chunk} attempt {Attempt} failed: {Reason}")]
    public static partial void ChunkFailed(ILogger logger, string job, string runId, int chunk, int attempt, string reason);

    [LoggerMessage(5104, LogLevel.Error, "Batch chunk {Job}/{RunId}/{Chunk} poisoned after every attempt failed: {Reason}")]
    public static partial void ChunkPoisoned(ILogger logger, string job, string runId, int chunk, string reason);

    [LoggerMessage(5105, LogLevel.Information, "Batch run {Job}/{RunId} finished {State}: {Rows} rows done, {Poisoned} chunks poisoned.")]
    public static partial void RunFinished(ILogger logger, string job, string runId, string state, long rows, int poisoned);

    [LoggerMessage(5106, LogLevel.Information, "Batch job {Job} is due ({Occurrence:o}): run {RunId} requested.")]
    public static partial void Scheduled(ILogger logger, string job, DateTimeOffset occurrence, string runId);

    [LoggerMessage(5107, LogLevel.Information, "Batch job {Job} is due but run {RunId} is still {State}; this occurrence is skipped.")]
    public static partial void StillRunning(ILogger logger, string job, string runId, string state);
}
