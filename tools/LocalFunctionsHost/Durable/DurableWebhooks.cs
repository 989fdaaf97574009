using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost.Durable;

/// <summary>
/// The HTTP management endpoints that <c>CreateCheckStatusResponse</c> links to, under
/// <c>/runtime/webhooks/durabletask/instances/{id}</c>: <c>GET</c> the status (202 while it runs, 200 once it
/// has ended, 404 for no such instance), <c>POST …/raiseEvent/{name}</c> with the event's JSON,
/// <c>POST …/terminate?reason=</c>, <c>DELETE</c> to purge (410 Gone for an instance that has ended, where an
/// event or termination can no longer apply). They take the Durable system key (<c>code</c> query parameter or
/// <c>x-functions-key</c>) or the master key, as in Azure.
/// </summary>
internal sealed class DurableWebhooks(DurableTaskHub hub, FunctionKeys keys, string systemKey, ILogger logger)
{
    public const string Prefix = "runtime/webhooks/durabletask";

    private const string InstancesPath = "/" + Prefix + "/instances/";

    /// <summary>
    /// The system key of the Durable endpoints: derived from the master key, so it is stable while the master key
    /// is (status links handed out before a restart keep working) and is not the master key itself.
    /// </summary>
    public static string SystemKey(LocalSettings settings) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(settings.MasterKey), Encoding.UTF8.GetBytes(DurableTaskHub.SystemKeyName)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool Handles(PathString path) => path.StartsWithSegments("/" + Prefix, StringComparison.OrdinalIgnoreCase);

    public async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        if (!Authorized(context.Request))
        {
            await Problems.WriteAsync(context, 401, "Unauthorized", "The Durable management endpoints need the system key (code query parameter, as in the links CreateCheckStatusResponse returns) or the master key.");
            return;
        }

        string[] parts = path.StartsWith(InstancesPath, StringComparison.OrdinalIgnoreCase)
            ? path[InstancesPath.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray()
            : [];
        string method = context.Request.Method.ToUpperInvariant();
        Task work = (parts, method) switch
        {
            ([var id], "GET") => StatusAsync(context, id),
            ([var id], "DELETE") => PurgeAsync(context, id),
            ([var id, var verb, var name], "POST") when verb.Equals("raiseEvent", StringComparison.OrdinalIgnoreCase) => RaiseEventAsync(context, id, name),
            ([var id, var verb], "POST") when verb.Equals("terminate", StringComparison.OrdinalIgnoreCase) => TerminateAsync(context, id),
            _ => Problems.WriteAsync(context, 404, "Not found", $"No Durable management endpoint answers {method} {path}; this host serves GET and DELETE instances/{{id}}, POST instances/{{id}}/raiseEvent/{{name}} and POST instances/{{id}}/terminate."),
        };
        await work;
        Log.DurableWebhook(logger, method, path, context.Response.StatusCode);
    }

    private bool Authorized(HttpRequest request)
    {
        string? key = request.Query["code"].FirstOrDefault() ?? request.Headers["x-functions-key"].FirstOrDefault();
        return (key is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(systemKey)))
            || keys.Check(request, "admin").Allowed;
    }

    private async Task StatusAsync(HttpContext context, string instanceId)
    {
        OrchestrationState? state = await hub.Client.GetOrchestrationStateAsync(instanceId, executionId: null);
        if (state is null)
        {
            await Problems.WriteAsync(context, 404, "Not found", $"There is no orchestration instance '{instanceId}' in task hub '{hub.Settings.HubName}'.");
            return;
        }

        bool running = state.OrchestrationStatus is OrchestrationStatus.Pending or OrchestrationStatus.Running or OrchestrationStatus.ContinuedAsNew or OrchestrationStatus.Suspended;
        var status = new JsonObject
        {
            ["name"] = state.Name,
            ["instanceId"] = state.OrchestrationInstance.InstanceId,
            ["runtimeStatus"] = state.OrchestrationStatus.ToString(),
            ["input"] = Parse(state.Input),
            ["customStatus"] = Parse(state.Status),
            ["output"] = Parse(state.FailureDetails?.ErrorMessage is { } failure && state.OrchestrationStatus == OrchestrationStatus.Failed ? JsonSerializer.Serialize(failure, HostJsonContext.Default.String) : state.Output),
            ["createdTime"] = state.CreatedTime.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["lastUpdatedTime"] = state.LastUpdatedTime.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        context.Response.StatusCode = running ? 202 : 200;
        if (running)
        {
            context.Response.Headers.Location = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}{context.Request.QueryString}";
            context.Response.Headers.RetryAfter = "10";
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(status.ToJsonString(), context.RequestAborted);
    }

    private async Task RaiseEventAsync(HttpContext context, string instanceId, string eventName)
    {
        string body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        if (body.Length > 0 && !IsJson(body))
        {
            await Problems.WriteAsync(context, 400, "Invalid event data", "The request body (the event's data) must be JSON.");
            return;
        }

        if (!await WritableAsync(context, instanceId))
        {
            return;
        }

        await hub.Client.SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            Event = new EventRaisedEvent(-1, body.Length == 0 ? null : body) { Name = eventName },
        });
        context.Response.StatusCode = 202;
    }

    private async Task TerminateAsync(HttpContext context, string instanceId)
    {
        if (!await WritableAsync(context, instanceId))
        {
            return;
        }

        await hub.Client.ForceTerminateTaskOrchestrationAsync(instanceId, context.Request.Query["reason"].FirstOrDefault() ?? string.Empty);
        context.Response.StatusCode = 202;
    }

    private async Task PurgeAsync(HttpContext context, string instanceId)
    {
        PurgeResult result = await ((IOrchestrationServicePurgeClient)hub.Client).PurgeInstanceStateAsync(instanceId);
        if (result.DeletedInstanceCount == 0)
        {
            await Problems.WriteAsync(context, 404, "Not found", $"There is no orchestration instance '{instanceId}' in task hub '{hub.Settings.HubName}'.");
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["instancesDeleted"] = result.DeletedInstanceCount }.ToJsonString(), context.RequestAborted);
    }

    /// <summary>404 for no such instance, 410 for one that has ended; true when it can still take an event or termination.</summary>
    private async Task<bool> WritableAsync(HttpContext context, string instanceId)
    {
        OrchestrationState? state = await hub.Client.GetOrchestrationStateAsync(instanceId, executionId: null);
        if (state is null)
        {
            await Problems.WriteAsync(context, 404, "Not found", $"There is no orchestration instance '{instanceId}' in task hub '{hub.Settings.HubName}'.");
            return false;
        }

        if (state.OrchestrationStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled)
        {
            await Problems.WriteAsync(context, 410, "Gone", $"The orchestration instance '{instanceId}' has already ended ({state.OrchestrationStatus}).");
            return false;
        }

        return true;
    }

    private static JsonNode? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
