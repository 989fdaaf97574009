using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ModelOps.Hosting;
using ModelOps.Registry;
using ModelOps.Registry.Promotion;

namespace ModelOps.Pipelines.Promotion;

/// <summary>The body of <c>POST /api/models/{name}/promotions</c>.</summary>
public sealed record PromotionApplication(int? Version, string? TargetAlias, string? Reason, string? Requester, string? Note, bool? AllowBreakingSchema);

/// <summary>The body of <c>POST /api/models/{name}/promotions/{version}/cancel</c>: why, and (without a signed-in principal) who.</summary>
public sealed record PromotionCancellation(string? Reason, string? By);

/// <summary>The answer to a started request: its id and where its status is.</summary>
public sealed record PromotionAccepted(string RequestId, string StatusUri);

/// <summary>
/// Promotion requests over HTTP (<c>authLevel: function</c>) and from the <c>promotion-requests</c> queue: each parses,
/// calls <see cref="PromotionStarter"/>, and maps the answer.
/// </summary>
public sealed partial class PromotionFunctions(PromotionStarter starter, CallerIdentity callers, ILogger<PromotionFunctions> logger)
{
    /// <summary>The queue the monitors put <see cref="PromotionRequest"/> messages on.</summary>
    public const string RequestQueue = "promotion-requests";

    /// <summary>
    /// Starts a request: 202 with the status link, 409 while one for the same version is open, 404 for an unknown
    /// version, 400 naming the field. The requester is the signed-in principal when there is one, else the body's
    /// <c>requester</c> (an e-mail address, so they can be told the outcome).
    /// </summary>
    [Function("promotion-request")]
    public async Task<IActionResult> Request(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{model}/promotions")] HttpRequest req,
        [DurableClient] DurableTaskClient client, string model, FunctionContext context)
    {
        CancellationToken ct = context.CancellationToken;
        PromotionApplication body = await JsonSerializer.DeserializeAsync(req.Body, PromotionApiJsonContext.Default.PromotionApplication, ct)
            ?? throw new InvalidRegistryRequestException("body", "must be a JSON object.");
        string requester = callers.SignedIn(req) is { } signedIn ? signedIn
            : !string.IsNullOrWhiteSpace(body.Requester) ? body.Requester.Trim()
            : throw new InvalidRegistryRequestException("requester", "is required (the e-mail address of who asks).");
        PromotionReason reason = body.Reason switch
        {
            null or "" => PromotionReason.Manual,
            { } text when Enum.TryParse(text, ignoreCase: true, out PromotionReason parsed) && Enum.IsDefined(parsed) => parsed,
            _ => throw new InvalidRegistryRequestException("reason", "must be drift, accuracy or manual."),
        };
        var request = new PromotionRequest(
            model, body.Version ?? throw new InvalidRegistryRequestException("version", "is required."), body.TargetAlias ?? ModelRegistry.ChampionAlias,
            requester, reason, body.AllowBreakingSchema ?? false, body.Note ?? string.Empty);
        string id = await starter.StartAsync(client, request, ct);
        string status = $"/api/models/{Uri.EscapeDataString(model)}/promotions/{request.CandidateVersion}";
        return new AcceptedResult(status, new PromotionAccepted(id, status));
    }

    /// <summary>The stage of the request for one version (the orchestration's custom status) and, once it ended, why.</summary>
    [Function("promotion-status")]
    public async Task<IActionResult> Status(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{model}/promotions/{version:int}")] HttpRequest req,
        [DurableClient] DurableTaskClient client, string model, int version, FunctionContext context)
    {
        RegistryNames.Check(model, "model");
        return await PromotionStarter.StatusAsync(client, model, version, context.CancellationToken) is { } status
            ? new OkObjectResult(status)
            : throw new RegistryNotFoundException($"A promotion request for version {version} of '{model}'");
    }

    /// <summary>Every promotion request made for the model, open or ended, newest first.</summary>
    [Function("promotion-list")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{model}/promotions")] HttpRequest req,
        [DurableClient] DurableTaskClient client, string model, FunctionContext context)
    {
        RegistryNames.Check(model, "model");
        return new OkObjectResult(await PromotionStarter.ListAsync(client, model, context.CancellationToken));
    }

    /// <summary>
    /// Withdraws the open request for one version: 202 with its status, 409 once it ended or was decided, 404 when none
    /// was made, 400 without a reason. Who cancels is the signed-in principal, else the body's <c>by</c>, else the key's name.
    /// </summary>
    [Function("promotion-cancel")]
    public async Task<IActionResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{model}/promotions/{version:int}/cancel")] HttpRequest req,
        [DurableClient] DurableTaskClient client, string model, int version, FunctionContext context)
    {
        CancellationToken ct = context.CancellationToken;
        PromotionCancellation body = await JsonSerializer.DeserializeAsync(req.Body, PromotionApiJsonContext.Default.PromotionCancellation, ct)
            ?? throw new InvalidRegistryRequestException("body", "must be a JSON object.");
        string by = callers.SignedIn(req) is { } signedIn ? signedIn
            : !string.IsNullOrWhiteSpace(body.By) ? body.By.Trim()
            : CallerPrincipal.ByKey(req, context);
        PromotionStatus status = await starter.CancelAsync(client, model, version, by, body.Reason, ct);
        return new AcceptedResult($"/api/models/{Uri.EscapeDataString(model)}/promotions/{version}", status);
    }

    /// <summary>Starts requests the monitors queue; one already open is logged and dropped (it is the same request).</summary>
    [Function("promotion-queued-request")]
    public async Task Queued([QueueTrigger(RequestQueue)] string message, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        PromotionRequest request = JsonSerializer.Deserialize(message, PromotionJsonContext.Default.PromotionRequest)
            ?? throw new InvalidPromotionRequestException(["the message must be a JSON promotion request."]);
        try
        {
            string id = await starter.StartAsync(client, request, context.CancellationToken);
            LogQueuedStarted(logger, id, request.Model, request.CandidateVersion);
        }
        catch (PromotionAlreadyOpenException e)
        {
            LogQueuedDuplicate(logger, e.RequestId, request.Model, request.CandidateVersion);
        }
    }

    [LoggerMessage(EventId = 1511, Level = LogLevel.Information, Message = "Started promotion request {RequestId} ({Model} version {Version}) from the queue.")]
    private static partial void LogQueuedStarted(ILogger logger, string requestId, string model, int version);

    [LoggerMessage(EventId = 1512, Level = LogLevel.Information, Message = "Promotion request {RequestId} ({Model} version {Version}) is already open; the queued duplicate was dropped.")]
    private static partial void LogQueuedDuplicate(ILogger logger, string requestId, string model, int version);
}
