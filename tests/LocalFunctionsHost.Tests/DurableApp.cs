using Grpc.Net.Client;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>
/// The test app with its durable functions on a task hub of its own (the <c>DURABLE_HUB</c> setting host.json
/// names), and a durable client on the host's <c>TaskHubSidecarService</c>, as the worker's binding builds one.
/// </summary>
internal sealed class DurableApp : IAsyncDisposable
{
    public static readonly string[] DurableFunctions =
    [
        "Greeting", "SayHello", "FanOutSum", "Square", "Approval", "Note", "Parent", "Child", "Retrying", "Flaky",
        "Countdown", "Survivor", "Stubborn", "StartDurable",
    ];

    private readonly GrpcChannel _channel;

    private DurableApp(TestApp app, string hubName)
    {
        App = app;
        HubName = hubName;
        _channel = GrpcChannel.ForAddress(app.Host.TaskHub!.RpcBaseUrl);
        Client = new GrpcDurableTaskClient(hubName, new GrpcDurableTaskClientOptions { Channel = _channel }, NullLogger<GrpcDurableTaskClient>.Instance);
    }

    public TestApp App { get; }

    public string HubName { get; }

    public DurableTaskClient Client { get; }

    /// <summary>A new task hub name, for a test's own hub.</summary>
    public static string NewHubName() => AzuriteFixture.UniqueName("hub");

    /// <summary>Starts the app on the named hub (a fresh one unless a test restarts the host on the same hub), with <paramref name="values"/> added to its settings.</summary>
    public static async Task<DurableApp> StartAsync(AzuriteFixture azurite, string? hubName = null, IReadOnlyDictionary<string, string>? values = null)
    {
        hubName ??= NewHubName();
        var settings = new Dictionary<string, string>(values ?? new Dictionary<string, string>()) { ["DURABLE_HUB"] = hubName };
        TestApp app = await TestApp.StartAsync(azurite.ConnectionString, DurableFunctions, settings);
        return new DurableApp(app, hubName);
    }

    /// <summary>Waits (bounded, generous for a loaded machine) for the instance to end.</summary>
    public async Task<OrchestrationMetadata> CompletionAsync(string instanceId, int seconds = 180)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, limit.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        _channel.Dispose();
        await App.DisposeAsync();
    }
}

