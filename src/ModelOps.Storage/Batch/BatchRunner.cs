using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using ModelOps.Batch;
using ModelOps.Registry;
using ModelOps.Scoring;

namespace ModelOps.Storage.Batch;

/// <summary>
/// What the batch functions call. A run request is planned once: the alias resolves to a version (kept with the
/// run, so every chunk and every retry scores with it), the source is cut into chunks whose ranges are stored, and
/// one message per chunk goes on <see cref="BatchQueues.Chunks"/>. A chunk message is scored idempotently and the
/// run's progress summed; the last chunk to finish completes the run. A chunk whose every attempt failed reaches the
/// poison queue and is reported as poisoned with its last error, and the run completes without it.
/// </summary>
public sealed class BatchRunner(
    BatchStatusStore status,
    ModelRegistry registry,
    TableSource tables,
    BlobLineSource blobs,
    QueueServiceClient queues,
    TimeProvider clock,
    ILogger<BatchRunner> logger)
{
    /// <summary>Plans a run and fans its chunks out; a run already planned re-sends only its unfinished chunks.</summary>
    public async Task StartAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        StoredJob job = await status.GetJobAsync(request.Job, cancellationToken) ?? throw new InvalidBatchJobException("job", $"'{request.Job}' is not defined.");
        await status.TryCreateRunAsync(job.Job, request.RunId, request.Trigger, clock.GetUtcNow(), cancellationToken);
        StoredRun run = await status.GetRunAsync(request.Job, request.RunId, cancellationToken) ?? throw new InvalidOperationException("The run row was not written.");
        if (run.Status.IsFinished)
        {
            return;
        }

        if (run.Status.ChunksTotal is null)
        {
            ChunkPlan? plan = await PlanAsync(job.Job, run.Status, cancellationToken);
            if (plan is null)
            {
                return;
            }

            run = (await status.GetRunAsync(request.Job, request.RunId, cancellationToken))!;
            BatchLog.Planned(logger, job.Job.Name, request.RunId, plan.Chunks.Count, plan.Rows, job.Job.Model, run.Status.Version!.Value);
        }

        QueueClient queue = queues.GetQueueClient(BatchQueues.Chunks);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        foreach ((ChunkRange range, ChunkStatus chunk) in await status.ListChunksAsync(request.Job, request.RunId, cancellationToken))
        {
            if (chunk.State is not (ChunkState.Done or ChunkState.Poisoned) && range.Chunk < run.Status.ChunksTotal)
            {
                await queue.SendMessageAsync(JsonSerializer.Serialize(new ChunkWork(request.Job, request.RunId, range.Chunk), BatchJsonContext.Default.ChunkWork), cancellationToken);
            }
        }

        // A plan with no rows, or one whose chunks all finished before this retry, completes here.
        await FinishIfDoneAsync(request.Job, request.RunId, cancellationToken);
    }

    /// <summary>Scores one chunk (nothing when it or its run is finished); an exception leaves the message to be retried.</summary>
    public async Task ScoreChunkAsync(ChunkWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        StoredRun? run = await status.GetRunAsync(work.Job, work.RunId, cancellationToken);
        if (run is null || run.Status.IsFinished)
        {
            return;
        }

        (ChunkRange Range, ChunkStatus Status)? chunk = await status.GetChunkAsync(work.Job, work.RunId, work.Chunk, cancellationToken);
        if (chunk is not { } c || c.Status.State is ChunkState.Done or ChunkState.Poisoned)
        {
            return;
        }

        long started = clock.GetTimestamp();
        await status.StartChunkAsync(work.Job, work.RunId, c.Status, cancellationToken);
        ChunkCounts counts;
        try
        {
            counts = BatchSource.Parse(run.Status.Source).Kind == SourceKind.Table
                ? await tables.ScoreChunkAsync(run.Status, c.Range, cancellationToken)
                : await blobs.ScoreChunkAsync(run, c.Range, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            string reason = Reason(e);
            BatchLog.ChunkFailed(logger, work.Job, work.RunId, work.Chunk, c.Status.Attempts + 1, reason);
            await status.RecordChunkErrorAsync(work.Job, work.RunId, work.Chunk, reason, cancellationToken);
            throw;
        }

        double seconds = clock.GetElapsedTime(started).TotalSeconds;
        await status.FinishChunkAsync(work.Job, work.RunId, work.Chunk, counts, seconds, cancellationToken);
        BatchLog.ChunkDone(logger, work.Job, work.RunId, work.Chunk, counts.Scored, counts.Skipped, counts.Invalid, seconds);
        await FinishIfDoneAsync(work.Job, work.RunId, cancellationToken);
    }

    /// <summary>Reports a chunk whose message reached the poison queue, and lets the run complete without it.</summary>
    public async Task PoisonChunkAsync(ChunkWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        (ChunkRange Range, ChunkStatus Status)? chunk = await status.GetChunkAsync(work.Job, work.RunId, work.Chunk, cancellationToken);
        if (chunk is not { } c || c.Status.State == ChunkState.Done)
        {
            return;
        }

        await status.PoisonChunkAsync(work.Job, work.RunId, work.Chunk, cancellationToken);
        BatchLog.ChunkPoisoned(logger, work.Job, work.RunId, work.Chunk, c.Status.LastError ?? "no reason was recorded");
        await FinishIfDoneAsync(work.Job, work.RunId, cancellationToken);
    }

    /// <summary>
    /// Writes the settings' jobs to the status table and requests a run of each job whose schedule is due — unless
    /// its last run is still going, so two runs never write the same entities at once.
    /// </summary>
    public async Task ScheduleAsync(IReadOnlyList<BatchJob> fromSettings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fromSettings);
        DateTimeOffset now = clock.GetUtcNow();
        foreach (BatchJob job in fromSettings)
        {
            await status.UpsertJobAsync(job, "settings", now, cancellationToken);
        }

        QueueClient queue = queues.GetQueueClient(BatchQueues.Runs);
        foreach (StoredJob stored in await status.ListJobsAsync(cancellationToken))
        {
            if (stored.Job.Schedule is not { } schedule
                || BatchSchedule.Due(schedule, stored.LastScheduledAt ?? now, now) is not { } occurrence)
            {
                continue;
            }

            await status.SetLastScheduledAsync(stored.Job.Name, occurrence, cancellationToken);
            if (stored.LastRunId is { } last && await status.GetRunAsync(stored.Job.Name, last, cancellationToken) is { Status.IsFinished: false } active
                && now - active.Status.CreatedAt < TimeSpan.FromDays(1))
            {
                BatchLog.StillRunning(logger, stored.Job.Name, last, active.Status.State.ToString());
                continue;
            }

            string runId = RunIds.Scheduled(occurrence);
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await queue.SendMessageAsync(JsonSerializer.Serialize(new RunRequest(stored.Job.Name, runId, "schedule"), BatchJsonContext.Default.RunRequest), cancellationToken);
            BatchLog.Scheduled(logger, stored.Job.Name, occurrence, runId);
        }
    }

    private async Task<ChunkPlan?> PlanAsync(BatchJob job, BatchRunStatus run, CancellationToken cancellationToken)
    {
        int version;
        ChunkPlan plan;
        try
        {
            version = run.Version ?? (await registry.GetAliasAsync(job.Model, job.Alias, cancellationToken)).Version;
            await status.SetVersionAsync(job.Name, run.RunId, version, cancellationToken);
            plan = job.Source.Kind == SourceKind.Table
                ? await tables.PlanAsync(job.Source, job.ChunkSize, cancellationToken)
                : await blobs.PlanAsync(job.Source, job.ChunkSize, cancellationToken);
        }
        catch (Exception e) when (e is RegistryNotFoundException or InvalidRegistryRequestException || e is RequestFailedException { Status: 404 })
        {
            // Nothing a retry would change: the model, alias or source does not exist.
            string reason = e is RequestFailedException ? $"the source {job.Source} does not exist." : Reason(e);
            BatchLog.PlanFailed(logger, job.Name, run.RunId, reason);
            await status.FailRunAsync(job.Name, run.RunId, reason, clock.GetUtcNow(), cancellationToken);
            return null;
        }

        await status.SavePlanAsync(job.Name, run.RunId, plan, clock.GetUtcNow(), cancellationToken);
        return plan;
    }

    private async Task FinishIfDoneAsync(string job, string runId, CancellationToken cancellationToken)
    {
        BatchRunStatus? after = await status.UpdateProgressAsync(job, runId, clock.GetUtcNow(), cancellationToken);
        if (after is { IsFinished: true } && after.FinishedAt is { } finished && clock.GetUtcNow() - finished < TimeSpan.FromSeconds(5))
        {
            BatchLog.RunFinished(logger, job, runId, after.State.ToString(), after.RowsDone, after.ChunksPoisoned);
        }
    }

    /// <summary>What went wrong, in words that hold no feature values (storage errors by status and code only).</summary>
    internal static string Reason(Exception e) => e switch
    {
        RequestFailedException r => $"storage answered {r.Status} {r.ErrorCode}".TrimEnd(),
        ModelUnavailableException m => m.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
