using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using ModelOps.Hosting;
using ModelOps.Registry;

namespace ModelOps.Pipelines;

/// <summary>
/// A model's scoring routing (<c>authLevel: function</c>): <c>GET</c> answers it with its ETag; <c>PUT</c>
/// <see cref="RoutingChange"/> sets it, conditionally like an alias move — <c>If-Match</c> with the ETag last read,
/// or <c>If-None-Match: *</c> to create it (428 without either, 412 when it changed meanwhile). Every alias it names
/// must exist, so a routing never sends traffic nowhere. Every change is recorded in the model's audit log with the
/// caller's principal, the optional <c>reason</c>, and the routing before and after.
/// </summary>
public sealed class RoutingFunctions(ModelRegistry registry, IRoutingStore routes, CallerIdentity callers)
{
    [Function("registry-routing")]
    public async Task<IActionResult> Routing(
        [HttpTrigger(AuthorizationLevel.Function, "get", "put", Route = "models/{model}/routing")] HttpRequest req, string model, FunctionContext context)
    {
        CancellationToken ct = context.CancellationToken;
        await registry.GetModelAsync(model, ct);
        ModelRouting routing = HttpMethods.IsPut(req.Method)
            ? await SetAsync(req, model, context, ct)
            : await routes.GetRoutingAsync(model, ct) ?? throw new RegistryNotFoundException($"The routing of '{model}'");
        req.HttpContext.Response.Headers[HeaderNames.ETag] = routing.ETag;
        return new OkObjectResult(routing);
    }

    private async Task<ModelRouting> SetAsync(HttpRequest req, string model, FunctionContext context, CancellationToken ct)
    {
        string? ifMatch = req.Headers.IfMatch.ToString() is { Length: > 0 } etag ? etag : null;
        if (ifMatch is null && req.Headers.IfNoneMatch.ToString() != "*")
        {
            throw new PreconditionRequiredException("If-Match", "is required to change a routing: send the ETag last read, or 'If-None-Match: *' to create it.");
        }

        RoutingChange body = await JsonSerializer.DeserializeAsync(req.Body, RegistryApiJsonContext.Default.RoutingChange, ct)
            ?? throw new InvalidRegistryRequestException("body", "must be a JSON object.");
        var routing = new ModelRouting(model, body.Weights ?? [], body.KeyField, body.ShadowAlias, body.Enabled ?? true, body.FallbackAlias, body.RetryAfterSeconds ?? 30);
        return await registry.SetRoutingAsync(routes, routing, ifMatch, callers.Of(req, context), body.Reason, ct);
    }
}
