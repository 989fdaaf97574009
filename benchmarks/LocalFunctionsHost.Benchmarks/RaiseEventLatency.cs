using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalFunctionsHost.Benchmarks;

/// <summary>
/// RaiseEvent → orchestration resumed, on the local host's task hub (Azure Storage backend; the storage account
/// from the <c>AzureWebJobsStorage</c> environment variable, Azurite's default ports otherwise). Each round starts
/// the test app's Approval orchestration (three-day deadline), waits until it is waiting for the event, raises it
/// and times until the instance has completed: the event's trip through the control queue, one orchestrator
/// replay, one activity and the final replay. The floor in the same run is the host's start → waiting time of the
/// same orchestration (one replay, one activity, one replay), so the ratio says what the event costs over it.
/// </summary>
internal static class RaiseEventLatency
{
    public static async Task RunAsync(string appFolder, int rounds)
    {
        string work = Directory.CreateTempSubdirectory("lfh-durable-bench-").FullName;
        string hub = "bench" + Guid.NewGuid().ToString("N")[..10];
        var values = new JsonObject
        {
            ["AzureWebJobsStorage"] = Environment.GetEnvironmentVariable("AzureWebJobsStorage") ?? "UseDevelopmentStorage=true",
            ["DURABLE_HUB"] = hub,
        };
        foreach (string function in TestAppFunctions.All.Except(["Approval", "Note"]))
        {
            values[$"AzureWebJobs.{function}.Disabled"] = "true";
        }

        string settingsFile = Path.Combine(work, "local.settings.json");
        await File.WriteAllTextAsync(settingsFile, new JsonObject { ["Values"] = values }.ToJsonString());
        await using var host = new FunctionAppHost(AppDefinition.Load(appFolder), LocalSettings.Load(settingsFile), NullLogger.Instance, TimeProvider.System, verbose: false);
        await host.StartAsync(0, CancellationToken.None);
        using GrpcChannel channel = GrpcChannel.ForAddress(host.TaskHub!.RpcBaseUrl);
        await using var client = new GrpcDurableTaskClient(hub, new GrpcDurableTaskClientOptions { Channel = channel }, NullLogger<GrpcDurableTaskClient>.Instance);

        var toWaiting = new List<double>();
        var toResumed = new List<double>();
        for (int round = 0; round <= rounds; round++)
        {
            long started = Stopwatch.GetTimestamp();
            string id = await client.ScheduleNewOrchestrationInstanceAsync("Approval", new { Key = "bench" + round, DeadlineHours = 72.0 });
            while ((await client.GetInstanceAsync(id, getInputsAndOutputs: true))?.SerializedCustomStatus != "\"waiting for approval\"")
            {
                await Task.Delay(5);
            }

            double waiting = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            long raised = Stopwatch.GetTimestamp();
            await client.RaiseEventAsync(id, "Approval", "bench");
            // Polled like the floor (the backend's own completion wait polls every 2 s, which would hide the number).
            OrchestrationMetadata done;
            while ((done = (await client.GetInstanceAsync(id))!).RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending)
            {
                await Task.Delay(5);
            }

            double resumed = Stopwatch.GetElapsedTime(raised).TotalMilliseconds;
            if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                throw new InvalidOperationException($"Round {round} ended {done.RuntimeStatus}.");
            }

            // Round 0 warms the worker and the hub's queues up.
            if (round > 0)
            {
                toWaiting.Add(waiting);
                toResumed.Add(resumed);
            }
        }

        LocalFunctionsHost.Durable.TaskHubSettings settings = host.TaskHub.Settings;
        Console.WriteLine($"RaiseEvent → completed, {rounds} rounds, task hub on Azure Storage, maxQueuePollingInterval {settings.MaxQueuePollingInterval}, {Environment.ProcessorCount} cores.");
        Console.WriteLine();
        Console.WriteLine("| measure | p50 ms | p90 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row("start → waiting for the event (floor)", toWaiting);
        Row("RaiseEvent → completed", toResumed);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RaiseEvent → completed / floor (p50): {Percentile(toResumed, 0.5) / Percentile(toWaiting, 0.5):F2}"));
        Directory.Delete(work, recursive: true);
    }

    private static void Row(string name, List<double> values) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Percentile(values, 0.5):F0} | {Percentile(values, 0.9):F0} | {values.Max():F0} |"));

    private static double Percentile(List<double> values, double p)
    {
        double[] sorted = [.. values.Order()];
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
