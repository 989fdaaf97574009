using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ModelOps.Batch;

namespace ModelOps.Storage.Batch;

/// <summary>
/// Job definitions, runs and chunks in one table:
/// <list type="bullet">
/// <item>partition <c>job</c>, row NAME — a definition (from settings or written to the table), when it was last scheduled and its last run;</item>
/// <item>partition <c>runs.JOB</c>, row RUN — a run: the version it scores with, the plan's size, progress, timings, state;</item>
/// <item>partition <c>chunks.JOB.RUN</c>, row <c>000042</c> — a chunk: its range (fixed at planning), state, counts, attempts, last error.</item>
/// </list>
/// Progress is summed from the chunk rows, which each chunk overwrites for itself, so a chunk done twice counts once;
/// the run row is updated under its ETag, so two chunks finishing together never lose an update.
/// </summary>
public sealed class BatchStatusStore(TableClient table)
{
    private const string JobPartition = "job";
    private volatile bool _ready;

    /// <summary>The table, created if it does not exist.</summary>
    public async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        if (!_ready)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _ready = true;
        }

        return table;
    }

    public static string RunPartition(string job) => "runs." + job;

    public static string ChunkPartition(string job, string runId) => $"chunks.{job}.{runId}";

    public static string ChunkKey(int chunk) => chunk.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>Writes a definition, keeping when it was last scheduled; a new one starts its schedule at <paramref name="now"/>.</summary>
    public async Task UpsertJobAsync(BatchJob job, string origin, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        TableClient t = await TableAsync(cancellationToken);
        var entity = new TableEntity(JobPartition, job.Name)
        {
            ["Model"] = job.Model,
            ["Alias"] = job.Alias,
            ["Source"] = job.Source.ToString(),
            ["Schedule"] = job.Schedule ?? string.Empty,
            ["KeyField"] = job.KeyField ?? string.Empty,
            ["ChunkSize"] = job.ChunkSize,
            ["Origin"] = origin,
        };
        try
        {
            entity["LastScheduledAt"] = now;
            await t.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            entity.Remove("LastScheduledAt");
            await t.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
    }

    /// <summary>A job's definition and schedule state, or null when no job has that name.</summary>
    public async Task<StoredJob?> GetJobAsync(string name, CancellationToken cancellationToken)
    {
        TableClient t = await TableAsync(cancellationToken);
        NullableResponse<TableEntity> row = await t.GetEntityIfExistsAsync<TableEntity>(JobPartition, name, cancellationToken: cancellationToken);
        return row.HasValue ? ReadJob(row.Value!) : null;
    }

    /// <summary>Every job, by name.</summary>
    public async Task<IReadOnlyList<StoredJob>> ListJobsAsync(CancellationToken cancellationToken)
    {
        TableClient t = await TableAsync(cancellationToken);
        var jobs = new List<StoredJob>();
        await foreach (TableEntity e in t.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {JobPartition}"), cancellationToken: cancellationToken))
        {
            jobs.Add(ReadJob(e));
        }

        return jobs;
    }

    /// <summary>Records that the scheduler handled the occurrence at <paramref name="at"/>.</summary>
    public async Task SetLastScheduledAsync(string job, DateTimeOffset at, CancellationToken cancellationToken) =>
        await (await TableAsync(cancellationToken)).UpdateEntityAsync(new TableEntity(JobPartition, job) { ["LastScheduledAt"] = at }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    /// <summary>Creates the run row; false when the run exists (a duplicate request, or a second scheduler).</summary>
    public async Task<bool> TryCreateRunAsync(BatchJob job, string runId, string trigger, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        TableClient t = await TableAsync(cancellationToken);
        var run = new TableEntity(RunPartition(job.Name), runId)
        {
            ["Trigger"] = trigger,
            ["State"] = nameof(RunState.Planning),
            ["Model"] = job.Model,
            ["Alias"] = job.Alias,
            ["Source"] = job.Source.ToString(),
            ["KeyField"] = job.KeyField ?? string.Empty,
            ["ChunkSize"] = job.ChunkSize,
            ["CreatedAt"] = now,
        };
        try
        {
            await t.AddEntityAsync(run, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }

        await t.UpdateEntityAsync(new TableEntity(JobPartition, job.Name) { ["LastRunId"] = runId }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return true;
    }

    /// <summary>A run, or null.</summary>
    public async Task<StoredRun?> GetRunAsync(string job, string runId, CancellationToken cancellationToken)
    {
        TableClient t = await TableAsync(cancellationToken);
        NullableResponse<TableEntity> row = await t.GetEntityIfExistsAsync<TableEntity>(RunPartition(job), runId, cancellationToken: cancellationToken);
        return row.HasValue ? ReadRun(job, row.Value!) : null;
    }

    /// <summary>A job's runs, oldest first (run ids sort by time).</summary>
    public async Task<IReadOnlyList<StoredRun>> ListRunsAsync(string job, CancellationToken cancellationToken)
    {
        TableClient t = await TableAsync(cancellationToken);
        var runs = new List<StoredRun>();
        await foreach (TableEntity e in t.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {RunPartition(job)}"), cancellationToken: cancellationToken))
        {
            runs.Add(ReadRun(job, e));
        }

        return runs;
    }

    /// <summary>Records the version a run scores with, before anything is planned, so a re-planned run keeps it.</summary>
    public async Task SetVersionAsync(string job, string runId, int version, CancellationToken cancellationToken) =>
        await (await TableAsync(cancellationToken)).UpdateEntityAsync(new TableEntity(RunPartition(job), runId) { ["Version"] = version }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    /// <summary>Writes the plan's chunk rows (100 per transaction), then the run's totals and <see cref="RunState.Running"/>.</summary>
    public async Task SavePlanAsync(string job, string runId, ChunkPlan plan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        TableClient t = await TableAsync(cancellationToken);
        string partition = ChunkPartition(job, runId);
        foreach (ChunkRange[] batch in plan.Chunks.Chunk(100))
        {
            var actions = batch.Select(c => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, ChunkKey(c.Chunk))
            {
                ["State"] = nameof(ChunkState.Pending),
                ["Rows"] = c.Rows,
                ["SourcePartition"] = c.Partition,
                ["FromRowKey"] = c.FromRowKey,
                ["ToRowKey"] = c.ToRowKey,
                ["Offset"] = c.Offset,
                ["Length"] = c.Length,
                ["FirstRow"] = c.FirstRow,
                ["Attempts"] = 0,
            })).ToList();
            await t.SubmitTransactionAsync(actions, cancellationToken);
        }

        var run = new TableEntity(RunPartition(job), runId)
        {
            ["State"] = nameof(RunState.Running),
            ["ChunksTotal"] = plan.Chunks.Count,
            ["RowsTotal"] = plan.Rows,
            ["PlannedAt"] = now,
        };
        if (plan.Header is not null)
        {
            run["Header"] = plan.Header;
        }

        await t.UpdateEntityAsync(run, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Ends a run that could not be planned (no such model or alias, an unreadable source).</summary>
    public async Task FailRunAsync(string job, string runId, string error, DateTimeOffset now, CancellationToken cancellationToken) =>
        await (await TableAsync(cancellationToken)).UpdateEntityAsync(new TableEntity(RunPartition(job), runId)
        {
            ["State"] = nameof(RunState.Failed),
            ["Error"] = Truncate(error),
            ["FinishedAt"] = now,
        }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    /// <summary>One chunk's range and status, or null when the plan has no such chunk.</summary>
    public async Task<(ChunkRange Range, ChunkStatus Status)?> GetChunkAsync(string job, string runId, int chunk, CancellationToken cancellationToken)
    {
        TableClient t = await TableAsync(cancellationToken);
        NullableResponse<TableEntity> row = await t.GetEntityIfExistsAsync<TableEntity>(ChunkPartition(job, runId), ChunkKey(chunk), cancellationToken: cancellationToken);
        return row.HasValue ? (ReadRange(row.Value!), ReadChunk(row.Value!)) : null;
    }

    /// <summary>Every chunk of a run, in order.</summary>
    public async Task<IReadOnlyList<(ChunkRange Range, ChunkStatus Status)>> ListChunksAsync(string job, string runId, CancellationToken cancellationToken)
    {
        TableClient t = await TableAsync(cancellationToken);
        var chunks = new List<(ChunkRange, ChunkStatus)>();
        await foreach (TableEntity e in t.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ChunkPartition(job, runId)}"), cancellationToken: cancellationToken))
        {
            chunks.Add((ReadRange(e), ReadChunk(e)));
        }

        return chunks;
    }

    /// <summary>Marks a chunk started (one more attempt).</summary>
    public async Task StartChunkAsync(string job, string runId, ChunkStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        await (await TableAsync(cancellationToken)).UpdateEntityAsync(new TableEntity(ChunkPartition(job, runId), ChunkKey(status.Chunk))
        {
            ["State"] = nameof(ChunkState.Running),
            ["Attempts"] = status.Attempts + 1,
        }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Marks a chunk done with its counts.</summary>
    public async Task FinishChunkAsync(string job, string runId, int chunk, ChunkCounts counts, double seconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);
        await (await TableAsync(cancellationToken)).UpdateEntityAsync(new TableEntity(ChunkPartition(job, runId), ChunkKey(chunk))
        {
            ["State"] = nameof(ChunkState.Done),
            ["Rows"] = counts.Rows,
            ["Scored"] = counts.Scored,
            ["Skipped"] = counts.Skipped,
            ["Invalid"] = counts.Invalid,
            ["Seconds"] = seconds,
        }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Records why an attempt failed (the poison step reports the last one).</summary>
    public async Task RecordChunkErrorAsync(string job, string runId, int chunk, string error, CancellationToken cancellationToken) =>
        await (await TableAsync(cancellationToken)).UpdateEntityAsync(new TableEntity(ChunkPartition(job, runId), ChunkKey(chunk)) { ["LastError"] = Truncate(error) },
            ETag.All, TableUpdateMode.Merge, cancellationToken);

    /// <summary>Marks a chunk poisoned: every attempt failed and the message went to the poison queue.</summary>
    public async Task PoisonChunkAsync(string job, string runId, int chunk, CancellationToken cancellationToken) =>
        await (await TableAsync(cancellationToken)).UpdateEntityAsync(new TableEntity(ChunkPartition(job, runId), ChunkKey(chunk)) { ["State"] = nameof(ChunkState.Poisoned) },
            ETag.All, TableUpdateMode.Merge, cancellationToken);

    /// <summary>
    /// Sums the chunks into the run's progress and, when every chunk is done or poisoned, finishes the run — under the
    /// run row's ETag, retried when another chunk updated it first. Returns the run as written.
    /// </summary>
    public async Task<BatchRunStatus?> UpdateProgressAsync(string job, string runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        TableClient t = await TableAsync(cancellationToken);
        for (int attempt = 0; ; attempt++)
        {
            NullableResponse<TableEntity> row = await t.GetEntityIfExistsAsync<TableEntity>(RunPartition(job), runId, cancellationToken: cancellationToken);
            if (!row.HasValue)
            {
                return null;
            }

            StoredRun run = ReadRun(job, row.Value!);
            if (run.Status.IsFinished || run.Status.ChunksTotal is not { } total)
            {
                return run.Status;
            }

            IReadOnlyList<(ChunkRange Range, ChunkStatus Status)> chunks = await ListChunksAsync(job, runId, cancellationToken);
            var counted = chunks.Where(c => c.Range.Chunk < total).Select(c => c.Status).ToArray();
            ChunkStatus[] done = counted.Where(c => c.State == ChunkState.Done).ToArray();
            int poisoned = counted.Count(c => c.State == ChunkState.Poisoned);
            var update = new TableEntity(RunPartition(job), runId)
            {
                ["ChunksDone"] = done.Length,
                ["ChunksPoisoned"] = poisoned,
                ["RowsDone"] = done.Sum(c => c.Rows),
                ["RowsScored"] = done.Sum(c => c.Scored),
                ["RowsSkipped"] = done.Sum(c => c.Skipped),
                ["RowsInvalid"] = done.Sum(c => c.Invalid),
            };
            if (done.Length + poisoned >= total)
            {
                update["State"] = poisoned == 0 ? nameof(RunState.Completed) : nameof(RunState.CompletedWithFailures);
                update["FinishedAt"] = now;
            }

            try
            {
                await t.UpdateEntityAsync(update, row.Value!.ETag, TableUpdateMode.Merge, cancellationToken);
                StoredRun? written = await GetRunAsync(job, runId, cancellationToken);
                return written?.Status;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 20)
            {
                // Another chunk updated the run first: sum again.
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000] + "…";

    private static StoredJob ReadJob(TableEntity e)
    {
        string? schedule = e.GetString("Schedule") is { Length: > 0 } s ? s : null;
        string? key = e.GetString("KeyField") is { Length: > 0 } k ? k : null;
        BatchJob job = BatchJob.Create(e.RowKey, e.GetString("Model"), e.GetString("Alias"), e.GetString("Source"), schedule, key, e.GetInt32("ChunkSize"));
        return new StoredJob(job, e.GetString("Origin") ?? "table", e.GetDateTimeOffset("LastScheduledAt"), e.GetString("LastRunId"));
    }

    private static StoredRun ReadRun(string job, TableEntity e) => new(new BatchRunStatus(
        job,
        e.RowKey,
        e.GetString("Trigger") ?? "manual",
        Enum.TryParse(e.GetString("State"), out RunState state) ? state : RunState.Planning,
        e.GetString("Model") ?? string.Empty,
        e.GetString("Alias") ?? string.Empty,
        e.GetInt32("Version"),
        e.GetString("Source") ?? string.Empty,
        e.GetInt32("ChunksTotal"),
        e.GetInt64("RowsTotal"),
        e.GetInt32("ChunksDone") ?? 0,
        e.GetInt32("ChunksPoisoned") ?? 0,
        e.GetInt64("RowsDone") ?? 0,
        e.GetInt64("RowsScored") ?? 0,
        e.GetInt64("RowsSkipped") ?? 0,
        e.GetInt64("RowsInvalid") ?? 0,
        e.GetDateTimeOffset("CreatedAt") ?? e.Timestamp ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("PlannedAt"),
        e.GetDateTimeOffset("FinishedAt"),
        e.GetString("Error")),
        e.GetString("KeyField") is { Length: > 0 } key ? key : null,
        e.GetString("Header"));

    private static ChunkRange ReadRange(TableEntity e) => new(
        int.Parse(e.RowKey, CultureInfo.InvariantCulture),
        e.GetInt64("Rows") ?? 0,
        e.GetString("SourcePartition"),
        e.GetString("FromRowKey"),
        e.GetString("ToRowKey"),
        e.GetInt64("Offset") ?? 0,
        e.GetInt64("Length") ?? 0,
        e.GetInt64("FirstRow") ?? 0);

    private static ChunkStatus ReadChunk(TableEntity e) => new(
        int.Parse(e.RowKey, CultureInfo.InvariantCulture),
        Enum.TryParse(e.GetString("State"), out ChunkState state) ? state : ChunkState.Pending,
        e.GetInt64("Rows") ?? 0,
        e.GetInt64("Scored") ?? 0,
        e.GetInt64("Skipped") ?? 0,
        e.GetInt64("Invalid") ?? 0,
        e.GetInt32("Attempts") ?? 0,
        e.GetDouble("Seconds"),
        e.GetString("LastError"));
}

/// <summary>A job as stored: its definition, where it came from, when it was last scheduled, its last run.</summary>
public sealed record StoredJob(BatchJob Job, string Origin, DateTimeOffset? LastScheduledAt, string? LastRunId);

/// <summary>A run as stored: its status, and what its chunk workers need besides (the key column, a CSV header).</summary>
public sealed record StoredRun(BatchRunStatus Status, string? KeyField, string? Header);
