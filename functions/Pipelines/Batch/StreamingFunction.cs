using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using ModelOps.Batch;
using ModelOps.Storage.Batch;

namespace ModelOps.Pipelines.Batch;

/// <summary>
/// Streaming scoring: each message on <c>score-requests</c> is scored (same cache, engines and validation as HTTP) and
/// its result written to <c>score-results</c>. A message no retry can score goes straight to <c>score-requests-poison</c>
/// as it came, with the reason logged and written as an error result; anything else (storage, a model that cannot
/// load now) fails the invocation, so the host retries it and poisons it after <c>maxDequeueCount</c> attempts.
/// </summary>
public sealed class StreamingFunction(StreamScorer scorer, BatchQueueClient queues, ILogger<StreamingFunction> logger)
{
    [Function("score-stream")]
    [QueueOutput(BatchQueues.ScoreResults)]
    public async Task<string> Score([QueueTrigger(BatchQueues.ScoreRequests)] string message, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        StreamResult result;
        try
        {
            result = await scorer.ScoreAsync(message, cancellationToken);
            Log.StreamScored(logger, result.RequestId ?? string.Empty, result.Model ?? string.Empty, result.Rows?.Count ?? 0);
        }
        catch (InvalidStreamMessageException e)
        {
            string id = context.BindingContext.BindingData.TryGetValue("Id", out object? value) ? value?.ToString() ?? string.Empty : string.Empty;
            QueueClient poison = queues.Service.GetQueueClient(BatchQueues.ScoreRequestsPoison);
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await poison.SendMessageAsync(message, cancellationToken);
            Log.StreamPoisoned(logger, id, e.Message);
            (string? requestId, string? model) = StreamScorer.Identify(message);
            result = new StreamResult(requestId, model, null, e.Message, e.Errors.Count > 0 ? e.Errors : null);
        }

        return JsonSerializer.Serialize(result, BatchJsonContext.Default.StreamResult);
    }
}
