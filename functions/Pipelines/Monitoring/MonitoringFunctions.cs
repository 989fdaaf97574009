using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring;
using ModelOps.Monitoring.Challengers;
using ModelOps.Monitoring.Retraining;
using ModelOps.Registry;

namespace ModelOps.Pipelines.Monitoring;

/// <summary>The queues the monitoring functions hand work on with (base64 messages, as queue triggers read them).</summary>
public sealed record MonitoringQueues(QueueClient Retrain, QueueClient Challenger)
{
    public const string RetrainQueue = "retrain-requests";
    public const string ChallengerQueue = "challenger-requests";

    public async Task SendAsync(QueueClient queue, MonitoringRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(JsonSerializer.Serialize(request, MonitoringJsonContext.Default.MonitoringRequest), cancellationToken);
    }
}

/// <summary>
/// The Monitor loop's functions: a timer that runs each listed model's cycle when due (drift, realized accuracy,
/// retrain decision), the same cycle on demand over HTTP, a retrain queue and a champion–challenger queue, and the
/// pipeline spec a model retrains from.
/// </summary>
public sealed partial class MonitoringFunctions(
    MonitoringCycle cycle, RetrainJob retrain, ChampionChallengerJob challenger, IPipelineSpecStore specs, ModelRegistry registry, MonitoringQueues queues, ILogger<MonitoringFunctions> logger)
{
    /// <summary>
    /// Every 10 seconds: models whose <c>RunEvery</c> has come are monitored (so settings, not the schedule, set the pace,
    /// down to seconds when a test compresses time); a check that finds nothing due reads one state row per model.
    /// </summary>
    [Function("monitoring-timer")]
    public async Task Timer([TimerTrigger("*/10 * * * * *")] TimerInfo timer, FunctionContext context)
    {
        foreach (CycleStep step in await cycle.RunDueAsync(context.CancellationToken))
        {
            await HandOnAsync(step, context.CancellationToken);
        }
    }

    /// <summary><c>POST /api/monitoring/{model}/runs</c>: one monitoring run now; answers the run.</summary>
    [Function("monitoring-run")]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Function, "post", Route = "monitoring/{model}/runs")] HttpRequest req, string model, FunctionContext context)
    {
        RegistryNames.Check(model, "model");
        CycleStep step = await cycle.RunAsync(model, context.CancellationToken);
        await HandOnAsync(step, context.CancellationToken);
        return new OkObjectResult(step.Run);
    }

    /// <summary><c>PUT /api/models/{model}/spec</c>: stores the pipeline spec (JSON) versions of the model were trained from, by its hash.</summary>
    [Function("monitoring-spec-put")]
    public async Task<IActionResult> PutSpec([HttpTrigger(AuthorizationLevel.Function, "put", Route = "models/{model}/spec")] HttpRequest req, string model, FunctionContext context)
    {
        RegistryNames.Check(model, "model");
        await registry.GetModelAsync(model, context.CancellationToken);
        using var reader = new StreamReader(req.Body);
        PipelineSpec spec = PipelineSpecJson.Parse(await reader.ReadToEndAsync(context.CancellationToken));
        await specs.SaveAsync(model, spec, context.CancellationToken);
        return new ObjectResult(new SpecStored(model, PipelineSpecJson.Hash(spec))) { StatusCode = StatusCodes.Status201Created };
    }

    [Function("monitoring-retrain")]
    public async Task Retrain([QueueTrigger(MonitoringQueues.RetrainQueue)] MonitoringRequest request, FunctionContext context)
    {
        try
        {
            RetrainOutcome outcome = await retrain.RunAsync(request.Model, request.Reasons ?? ["requested"], context.CancellationToken);
            Log.Retrained(logger, request.Model, outcome.Challenger.Version, outcome.ParentVersion, outcome.Retrained.RemodelNeeded);
            await queues.SendAsync(queues.Challenger, new MonitoringRequest(request.Model, ["retrained"]), context.CancellationToken);
        }
        catch (Exception e) when (e is InsufficientLabelsException or PipelineSpecNotFoundException or RetrainCoolingDownException)
        {
            // Not a failure to retry: the next cycle asks again when there are labels, once the spec is stored, or after the cooldown.
            Log.NotRetrained(logger, request.Model, e.Message);
        }
    }

    [Function("monitoring-challenger")]
    public async Task Challenger([QueueTrigger(MonitoringQueues.ChallengerQueue)] MonitoringRequest request, FunctionContext context)
    {
        ChallengerRun run = await challenger.RunAsync(request.Model, context.CancellationToken);
        Log.Compared(logger, request.Model, run.Comparison?.ChallengerWins, run.Requested is not null);
    }

    private async Task HandOnAsync(CycleStep step, CancellationToken cancellationToken)
    {
        Log.Monitored(logger, step.Model, step.Run?.Drift.Count(d => d.Breached) ?? 0, step.Run?.Accuracy.Count(a => a.Breached) ?? 0, step.Retrain?.Retrain ?? false);
        if (step.Retrain is { Retrain: true } decision)
        {
            await queues.SendAsync(queues.Retrain, new MonitoringRequest(step.Model, decision.Reasons), cancellationToken);
        }

        if (step.CompareChallenger)
        {
            await queues.SendAsync(queues.Challenger, new MonitoringRequest(step.Model, ["cycle"]), cancellationToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5111, Level = LogLevel.Information, Message = "Monitored {Model}: {DriftBreaches} drift and {AccuracyBreaches} accuracy breaches; retrain {Retrain}")]
        public static partial void Monitored(ILogger logger, string model, int driftBreaches, int accuracyBreaches, bool retrain);

        [LoggerMessage(EventId = 5112, Level = LogLevel.Information, Message = "Retrained {Model}: challenger v{Version} from v{Parent}, remodel needed {RemodelNeeded}")]
        public static partial void Retrained(ILogger logger, string model, int version, int parent, bool remodelNeeded);

        [LoggerMessage(EventId = 5113, Level = LogLevel.Information, Message = "Did not retrain {Model}: {Reason}")]
        public static partial void NotRetrained(ILogger logger, string model, string reason);

        [LoggerMessage(EventId = 5114, Level = LogLevel.Information, Message = "Compared champion and challenger of {Model}: challenger wins {Wins}, promotion requested {Requested}")]
        public static partial void Compared(ILogger logger, string model, bool? wins, bool requested);
    }
}

/// <summary>The answer to a stored spec: its hash, which lineage refers to.</summary>
public sealed record SpecStored(string Model, string SpecSha256);
