using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelOps.Batch;
using ModelOps.Storage.Batch;

namespace ModelOps.Pipelines.Batch;

/// <summary>
/// Batch scoring's functions. One timer checks every 10 seconds which jobs are due — function metadata is static, so
/// a timer per job would fix the jobs at build time; one checker serves any number of jobs from settings or the table.
/// Chunks fan out over a Storage queue rather than a Durable fan-out: each chunk is independent and idempotent, so
/// the queue's at-least-once delivery, visibility timeout and poison queue are all the coordination needed, and
/// progress lives in a table anyone (the CLI) can read, without a Durable history to replay for 100,000s of rows.
/// </summary>
public sealed class BatchFunctions(BatchRunner runner, IOptions<BatchOptions> options, ILogger<BatchFunctions> logger)
{
    [Function("batch-scheduler")]
    public Task Schedule([TimerTrigger("*/10 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        runner.ScheduleAsync(options.Value.Definitions(), cancellationToken);

    [Function("batch-run")]
    public async Task Run([QueueTrigger(BatchQueues.Runs)] string message, CancellationToken cancellationToken)
    {
        if (Read(message, BatchJsonContext.Default.RunRequest) is { } request && RunIds.IsValid(request.RunId))
        {
            try
            {
                await runner.StartAsync(request, cancellationToken);
            }
            catch (InvalidBatchJobException e)
            {
                Log.Refused(logger, e.Message);
            }
        }
        else
        {
            Log.Refused(logger, "a run request must be {\"job\": NAME, \"runId\": ID, \"trigger\": T}.");
        }
    }

    [Function("batch-chunk")]
    public async Task Chunk([QueueTrigger(BatchQueues.Chunks)] string message, CancellationToken cancellationToken)
    {
        if (Read(message, BatchJsonContext.Default.ChunkWork) is { } work)
        {
            await runner.ScoreChunkAsync(work, cancellationToken);
        }
        else
        {
            Log.Refused(logger, "a chunk message must be {\"job\": NAME, \"runId\": ID, \"chunk\": N}.");
        }
    }

    [Function("batch-chunk-poison")]
    public async Task Poisoned([QueueTrigger(BatchQueues.ChunksPoison)] string message, CancellationToken cancellationToken)
    {
        if (Read(message, BatchJsonContext.Default.ChunkWork) is { } work)
        {
            await runner.PoisonChunkAsync(work, cancellationToken);
        }
    }

    private static T? Read<T>(string message, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(message, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
