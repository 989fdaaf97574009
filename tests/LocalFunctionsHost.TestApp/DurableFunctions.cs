using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace LocalFunctionsHost.TestApp;

/// <summary>What an approval waits for: an event named <c>Approval</c>, or the deadline.</summary>
public sealed record ApprovalRequest(string Key, double DeadlineHours);

/// <summary>How many times the flaky activity fails for this key before it succeeds.</summary>
public sealed record FlakyRequest(string Key, int Failures);

/// <summary>One generation of a ContinueAsNew countdown.</summary>
public sealed record Countdown(string Key, int Remaining);

/// <summary>
/// Orchestrations and activities the host's Durable tests run: activities in sequence, fan-out/fan-in, an
/// external event racing a durable timer, a sub-orchestration, retries, ContinueAsNew, an activity that hangs
/// on its first attempt (for the killed-worker test), and an HTTP starter with the durable client binding.
/// Activities record what they did, so the tests can count executions.
/// </summary>
public static class DurableFunctions
{
    [Function("Greeting")]
    public static async Task<string[]> Greeting([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var greetings = new List<string>();
        foreach (string city in new[] { "Tokyo", "Seattle", "London" })
        {
            greetings.Add(await context.CallActivityAsync<string>("SayHello", city));
        }

        return [.. greetings];
    }

    [Function("SayHello")]
    public static string SayHello([ActivityTrigger] string city, FunctionContext context)
    {
        Recorder.Record("SayHello", new JsonObject { ["city"] = city, ["invocationId"] = context.InvocationId });
        return $"Hello {city}!";
    }

    [Function("FanOutSum")]
    public static async Task<int> FanOutSum([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        int count = context.GetInput<int>();
        int[] squares = await Task.WhenAll(Enumerable.Range(1, count).Select(i => context.CallActivityAsync<int>("Square", i)));
        return squares.Sum();
    }

    [Function("Square")]
    public static int Square([ActivityTrigger] int value) => value * value;

    [Function("Approval")]
    public static async Task<string> Approval([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ApprovalRequest request = context.GetInput<ApprovalRequest>()!;
        await context.CallActivityAsync("Note", new JsonObject { ["key"] = request.Key, ["text"] = "asked" });
        context.SetCustomStatus("waiting for approval");
        using var deadline = new CancellationTokenSource();
        Task<string> approval = context.WaitForExternalEvent<string>("Approval");
        Task timeout = context.CreateTimer(context.CurrentUtcDateTime.AddHours(request.DeadlineHours), deadline.Token);
        string outcome;
        if (await Task.WhenAny(approval, timeout) == approval)
        {
            // Cancel, not CancelAsync: an orchestrator must not await anything but its context's tasks.
#pragma warning disable CA1849
            deadline.Cancel();
#pragma warning restore CA1849
            outcome = "approved by " + approval.Result;
        }
        else
        {
            outcome = "timed out";
        }

        await context.CallActivityAsync("Note", new JsonObject { ["key"] = request.Key, ["text"] = outcome });
        return outcome;
    }

    [Function("Note")]
    public static void Note([ActivityTrigger] JsonObject note) => Recorder.Record("Note", note);

    [Function("Parent")]
    public static async Task<string> Parent([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        string child = await context.CallSubOrchestratorAsync<string>("Child", context.GetInput<string>());
        return "parent got: " + child;
    }

    [Function("Child")]
    public static async Task<string> Child([OrchestrationTrigger] TaskOrchestrationContext context) =>
        await context.CallActivityAsync<string>("SayHello", context.GetInput<string>());

    [Function("Retrying")]
    public static async Task<string> Retrying([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(1)));
        return await context.CallActivityAsync<string>("Flaky", context.GetInput<FlakyRequest>(), retry);
    }

    [Function("Flaky")]
    public static string Flaky([ActivityTrigger] FlakyRequest request)
    {
        Recorder.Record("Flaky", new JsonObject { ["key"] = request.Key });
        int attempt = Recorder.Count("Flaky", request.Key);
        return attempt <= request.Failures
            ? throw new InvalidOperationException($"flaky failure {attempt} of {request.Failures}")
            : $"succeeded on attempt {attempt}";
    }

    [Function("Countdown")]
    public static async Task<string> CountdownOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        Countdown state = context.GetInput<Countdown>()!;
        await context.CallActivityAsync("Note", new JsonObject { ["key"] = state.Key, ["text"] = "generation " + state.Remaining });
        if (state.Remaining > 0)
        {
            context.ContinueAsNew(state with { Remaining = state.Remaining - 1 });
            return "continued";
        }

        return "lift-off";
    }

    [Function("Survivor")]
    public static async Task<string> Survivor([OrchestrationTrigger] TaskOrchestrationContext context) =>
        await context.CallActivityAsync<string>("Stubborn", context.GetInput<string>());

    /// <summary>Hangs on its first attempt for the key (the test kills the worker then), returns on the next.</summary>
    [Function("Stubborn")]
    public static async Task<string> Stubborn([ActivityTrigger] string key, FunctionContext context)
    {
        Recorder.Record("Stubborn", new JsonObject { ["key"] = key, ["pid"] = Environment.ProcessId });
        int attempt = Recorder.Count("Stubborn", key);
        if (attempt == 1)
        {
            await Task.Delay(TimeSpan.FromMinutes(10), context.CancellationToken);
        }

        return $"finished on attempt {attempt}";
    }

    /// <summary>Starts the orchestration named in the route with the body as input; answers with the management links.</summary>
    [Function("StartDurable")]
    public static async Task<IActionResult> StartDurable(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "durable/{name}")] HttpRequest req,
        string name,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        using var reader = new StreamReader(req.Body);
        string body = await reader.ReadToEndAsync(context.CancellationToken);
        JsonNode? input = body.Length == 0 ? null : JsonNode.Parse(body);
        string instanceId = await client.ScheduleNewOrchestrationInstanceAsync(name, input, context.CancellationToken);
        HttpManagementPayload links = client.CreateHttpManagementPayload(instanceId);
        var payload = new JsonObject
        {
            ["id"] = links.Id,
            ["statusQueryGetUri"] = links.StatusQueryGetUri,
            ["sendEventPostUri"] = links.SendEventPostUri,
            ["terminatePostUri"] = links.TerminatePostUri,
            ["purgeHistoryDeleteUri"] = links.PurgeHistoryDeleteUri,
        };
        return new ContentResult { Content = payload.ToJsonString(), ContentType = "application/json", StatusCode = 202 };
    }
}
