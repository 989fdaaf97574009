using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace ModelOps.Batch;

/// <summary>Where a run is: planned and enqueued, done, done with chunks that failed every attempt, or not started at all.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunState>))]
public enum RunState
{
    Planning,
    Running,
    Completed,
    CompletedWithFailures,
    Failed,
}

/// <summary>Where a chunk is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChunkState>))]
public enum ChunkState
{
    Pending,
    Running,
    Done,
    Poisoned,
}

/// <summary>A request to start a run of a job: from the schedule (the run id names the occurrence) or on demand.</summary>
public sealed record RunRequest(string Job, string RunId, string Trigger);

/// <summary>One chunk to score: the message a chunk worker takes. The chunk's range lives in the status table, fixed at planning.</summary>
public sealed record ChunkWork(string Job, string RunId, int Chunk);

/// <summary>
/// One run of a job as the status table holds it: the version every chunk scores with, the plan's size, the
/// progress (rows done of total, chunks done and poisoned), the timings and the reason a run failed.
/// </summary>
public sealed record BatchRunStatus(
    string Job,
    string RunId,
    string Trigger,
    RunState State,
    string Model,
    string Alias,
    int? Version,
    string Source,
    int? ChunksTotal,
    long? RowsTotal,
    int ChunksDone,
    int ChunksPoisoned,
    long RowsDone,
    long RowsScored,
    long RowsSkipped,
    long RowsInvalid,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PlannedAt,
    DateTimeOffset? FinishedAt,
    string? Error)
{
    /// <summary>True once nothing more will happen to the run.</summary>
    [JsonIgnore]
    public bool IsFinished => State is RunState.Completed or RunState.CompletedWithFailures or RunState.Failed;
}

/// <summary>One chunk's status: its range, what it did, how often it was tried and the last failure.</summary>
public sealed record ChunkStatus(
    int Chunk,
    ChunkState State,
    long Rows,
    long Scored,
    long Skipped,
    long Invalid,
    int Attempts,
    double? Seconds,
    string? LastError);

/// <summary>Run ids: sortable by time, fixed by the occurrence for scheduled runs (so two schedulers start one run).</summary>
public static class RunIds
{
    /// <summary>The id of the run for a scheduled occurrence.</summary>
    public static string Scheduled(DateTimeOffset occurrence) =>
        occurrence.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-s";

    /// <summary>A new id for a run started on demand.</summary>
    public static string OnDemand(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    /// <summary>Whether <paramref name="runId"/> has the shape of a run id (letters, digits and '-', as table keys and blob paths need).</summary>
    public static bool IsValid(string? runId) =>
        runId is { Length: > 0 and <= 40 } && runId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}

/// <summary>The counts of one chunk's rows.</summary>
public sealed record ChunkCounts(long Rows, long Scored, long Skipped, long Invalid)
{
    public static ChunkCounts operator +(ChunkCounts a, ChunkCounts b) =>
        new(a.Rows + b.Rows, a.Scored + b.Scored, a.Skipped + b.Skipped, a.Invalid + b.Invalid);
}
