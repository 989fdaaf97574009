using ModelOps.Batch;

namespace ModelOps.Storage.Batch;

/// <summary>
/// Batch and streaming scoring settings (section <c>Batch</c>, e.g. <c>Batch__Jobs__nightly__Model</c>): the status
/// table, the queues, and the jobs defined in settings — each <c>Batch__Jobs__NAME__</c> with <c>Model</c>, <c>Alias</c>
/// (default champion), <c>Source</c> (<c>table:NAME</c> or <c>blob:CONTAINER/PATH.csv|.jsonl</c>), <c>Schedule</c>
/// (NCRONTAB with seconds; none: on demand only), <c>KeyField</c> and <c>ChunkSize</c>.
/// </summary>
public sealed class BatchOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Batch";

    /// <summary>The table holding job definitions, runs and chunks (default <c>batchjobs</c>).</summary>
    public string StatusTable { get; set; } = "batchjobs";

    /// <summary>The jobs defined in settings, by name.</summary>
    public Dictionary<string, BatchJobSettings> Jobs { get; } = new(StringComparer.Ordinal);

    /// <summary>The jobs, checked; <see cref="InvalidBatchJobException"/> names the first bad field as <c>Batch:Jobs:NAME:Field</c>.</summary>
    public IReadOnlyList<BatchJob> Definitions() => Jobs.Select(j =>
    {
        try
        {
            return BatchJob.Create(j.Key, j.Value.Model, j.Value.Alias, j.Value.Source, j.Value.Schedule, j.Value.KeyField, j.Value.ChunkSize);
        }
        catch (InvalidBatchJobException e)
        {
            throw new InvalidBatchJobException($"Batch:Jobs:{j.Key}:{char.ToUpperInvariant(e.Field[0])}{e.Field[1..]}", e.Message[(e.Field.Length + 2)..]);
        }
    }).ToArray();

    /// <summary>The problems with these settings, empty when valid (for ValidateOnStart).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        try
        {
            Definitions();
        }
        catch (InvalidBatchJobException e)
        {
            problems.Add(e.Message);
        }

        if (StatusTable.Length is < 3 or > 63 || !char.IsAsciiLetter(StatusTable[0]) || !StatusTable.All(char.IsAsciiLetterOrDigit))
        {
            problems.Add("Batch:StatusTable must be 3-63 letters and digits, starting with a letter.");
        }

        return problems;
    }
}

/// <summary>
/// The queues of batch and streaming scoring. Their names are fixed, as trigger bindings are compiled into the
/// function metadata: <see cref="Runs"/> starts runs (the CLI's <c>jobs run</c> writes to it), chunks fan out over
/// <see cref="Chunks"/> and end in <see cref="ChunksPoison"/> after the host's <c>maxDequeueCount</c> attempts;
/// streaming reads <see cref="ScoreRequests"/> and writes <see cref="ScoreResults"/>.
/// </summary>
public static class BatchQueues
{
    public const string Runs = "batch-runs";

    public const string Chunks = "batch-chunks";

    public const string ChunksPoison = "batch-chunks-poison";

    public const string ScoreRequests = "score-requests";

    public const string ScoreRequestsPoison = "score-requests-poison";

    public const string ScoreResults = "score-results";
}

/// <summary>One job as settings define it (see <see cref="BatchOptions"/>).</summary>
public sealed class BatchJobSettings
{
    public string? Model { get; set; }

    public string? Alias { get; set; }

    public string? Source { get; set; }

    public string? Schedule { get; set; }

    public string? KeyField { get; set; }

    public int? ChunkSize { get; set; }
}
