using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using ModelOps.Monitoring;
using ModelOps.Monitoring.Outcomes;
using ModelOps.Registry;

namespace ModelOps.Pipelines.Monitoring;

/// <summary>The answer to an accepted outcome batch.</summary>
public sealed record OutcomesAccepted(string Model, int Accepted);

/// <summary>
/// Delayed labels: <c>POST /api/outcomes</c> with a batch (<see cref="OutcomeBatch"/>), or the same JSON on the
/// <c>outcomes</c> queue. Each outcome is keyed by request id (and row) or by entity key; the batch is stored whole or
/// refused whole, with a problem naming the first field at fault.
/// </summary>
public sealed partial class OutcomeFunctions(ModelRegistry registry, IOutcomeStore outcomes, ILogger<OutcomeFunctions> logger)
{
    /// <summary>Outcomes one batch may carry.</summary>
    public const int MaxBatch = 10_000;

    [Function("outcomes-post")]
    public async Task<IActionResult> Post([HttpTrigger(AuthorizationLevel.Function, "post", Route = "outcomes")] HttpRequest req, FunctionContext context)
    {
        OutcomeBatch batch = await ParseAsync(req.Body, context.CancellationToken);
        int saved = await SaveAsync(batch, context.CancellationToken);
        return new ObjectResult(new OutcomesAccepted(batch.Model!, saved)) { StatusCode = StatusCodes.Status202Accepted };
    }

    [Function("outcomes-queue")]
    public async Task Queue([QueueTrigger("outcomes")] string message, FunctionContext context)
    {
        using var body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message));
        try
        {
            OutcomeBatch batch = await ParseAsync(body, context.CancellationToken);
            await SaveAsync(batch, context.CancellationToken);
        }
        catch (Exception e) when (e is InvalidMonitoringRequestException or JsonException or InvalidRegistryRequestException)
        {
            // A message that can never be stored goes to the poison queue after its retries; the log says why.
            Log.RefusedMessage(logger, e is InvalidMonitoringRequestException m ? m.Field : "body", e.Message);
            throw;
        }
    }

    /// <summary>Reads a batch, naming the field of a value of the wrong type.</summary>
    public static async Task<OutcomeBatch> ParseAsync(Stream body, CancellationToken cancellationToken)
    {
        OutcomeBatch? batch;
        try
        {
            batch = await JsonSerializer.DeserializeAsync(body, MonitoringJsonContext.Default.OutcomeBatch, cancellationToken);
        }
        catch (JsonException e) when (e.Path is { Length: > 2 } path && e.Path != "$")
        {
            throw new InvalidMonitoringRequestException(path.TrimStart('$', '.'), $"'{path.TrimStart('$', '.')}' has a value of the wrong type.");
        }

        if (batch is null) throw new InvalidMonitoringRequestException("body", "the body must be a JSON object with 'model' and 'outcomes'.");
        if (string.IsNullOrWhiteSpace(batch.Model)) throw new InvalidMonitoringRequestException("model", "'model' is required.");
        RegistryNames.Check(batch.Model, "model");
        if (batch.Outcomes is not { Count: > 0 } list) throw new InvalidMonitoringRequestException("outcomes", "'outcomes' must be a non-empty array.");
        if (list.Count > MaxBatch) throw new InvalidMonitoringRequestException("outcomes", $"'outcomes' holds {list.Count} outcomes; at most {MaxBatch} per batch.");
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is null) throw new InvalidMonitoringRequestException($"outcomes[{i}]", $"'outcomes[{i}]' must be an object.");
            if (list[i].Problems($"outcomes[{i}]") is [var first, ..])
            {
                throw new InvalidMonitoringRequestException(first[..first.IndexOf(':', StringComparison.Ordinal)], first);
            }
        }

        return batch;
    }

    private async Task<int> SaveAsync(OutcomeBatch batch, CancellationToken cancellationToken)
    {
        // An unknown model is a 404, not outcomes filed under a typo.
        await registry.GetModelAsync(batch.Model!, cancellationToken);
        await outcomes.SaveAsync(batch.Model!, batch.Outcomes!, cancellationToken);
        Log.Saved(logger, batch.Model!, batch.Outcomes!.Count);
        return batch.Outcomes!.Count;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Stored {Count} outcomes of model {Model}")]
        public static partial void Saved(ILogger logger, string model, int count);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Refused an outcomes message: field {Field}: {Reason}")]
        public static partial void RefusedMessage(ILogger logger, string field, string reason);
    }
}
