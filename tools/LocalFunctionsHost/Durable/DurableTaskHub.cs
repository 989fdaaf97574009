using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost.Durable;

/// <summary>
/// The Durable Functions side of the host for one app, as the durable extension runs it in Azure: a task hub
/// on Azure Storage (the app's <c>AzureWebJobsStorage</c>; the same History and Instances tables, control and
/// work-item queues and lease blobs), the Durable Task Framework's <see cref="TaskHubWorker"/> dispatching its
/// orchestration and activity work items to the worker (<see cref="WorkerDispatch"/>), and, on loopback, the
/// <c>TaskHubSidecarService</c> the worker's <c>[DurableClient]</c> talks to. State lives in storage only, so an
/// orchestration outlives the host.
/// </summary>
internal sealed class DurableTaskHub : IAsyncDisposable
{
    /// <summary>The name Durable Functions gives the system key of its HTTP management endpoints.</summary>
    public const string SystemKeyName = "durabletask_extension";

    private readonly TaskHubSettings _settings;
    private readonly AzureStorageOrchestrationService _service;
    private readonly TaskHubWorker _worker;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _frameworkLog;
    private WebApplication? _sidecar;
    private bool _started;

    public DurableTaskHub(TaskHubSettings settings, string connectionString, string workerId, WorkerDispatch dispatch, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _frameworkLog = new LoggerFactory([new FrameworkLog(logger)]);
        _service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = settings.HubName,
            PartitionCount = settings.PartitionCount,
            MaxQueuePollingInterval = settings.MaxQueuePollingInterval,
            // How long a message dequeued by a host that then went away stays hidden before another host takes it.
            ControlQueueVisibilityTimeout = settings.ControlQueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = settings.WorkItemQueueVisibilityTimeout,
            StorageAccountClientProvider = ClientsFor(connectionString),
            // Stable across restarts of the same app, so a restarted host takes its partitions back at once.
            WorkerId = workerId,
            AppName = workerId,
            // The app lease arbitrates between different apps on one hub (blue/green deployments); a local hub
            // has one app, and a held app lease would keep a restarted host waiting for it to expire.
            UseAppLease = false,
            LoggerFactory = _frameworkLog,
        });
        _worker = new TaskHubWorker(_service, _frameworkLog)
        {
            // What the isolated worker's SDK expects: failures carry type, message and stack (FailureDetails).
            ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
        };
        _worker.AddOrchestrationDispatcherMiddleware(dispatch.RunOrchestratorAsync);
        _worker.AddActivityDispatcherMiddleware(dispatch.RunActivityAsync);
    }

    public TaskHubSettings Settings => _settings;

    /// <summary>The orchestration client over the task hub (status, events, termination, purge).</summary>
    public AzureStorageOrchestrationService Client => _service;

    /// <summary>The loopback address of the <c>TaskHubSidecarService</c> (plaintext HTTP/2).</summary>
    public Uri RpcBaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>
    /// The DurableTask.AzureStorage clients with the service version pinned as everywhere else in the host:
    /// Azurite 3.37 refuses the newest versions the blob and queue SDKs default to.
    /// </summary>
    internal static StorageAccountClientProvider ClientsFor(string connectionString) => new(
        StorageServiceClientProvider.ForBlob(connectionString, new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06)),
        StorageServiceClientProvider.ForQueue(connectionString, new QueueClientOptions(QueueClientOptions.ServiceVersion.V2026_06_06)),
        StorageServiceClientProvider.ForTable(connectionString, new TableClientOptions()));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _service.CreateIfNotExistsAsync();
        await _worker.StartAsync();
        _started = true;

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        // No message size limit on loopback, as the host's worker channel (and the client binding says so too).
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = null;
            o.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton<IOrchestrationService>(_service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(_service);
        // API only: the dispatching is ours (to the function worker), not the sidecar's own work-item stream.
        builder.Services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = TaskHubGrpcServerMode.ApiServerOnly);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        _sidecar = builder.Build();
        _sidecar.MapGrpcService<TaskHubGrpcServer>();
        await _sidecar.StartAsync(cancellationToken);
        RpcBaseUrl = new Uri(_sidecar.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        Log.TaskHubStarted(_logger, _settings.HubName, RpcBaseUrl.ToString());
    }

    /// <summary>
    /// The <c>[DurableClient]</c> binding's value, as the durable extension sends it to isolated workers: the hub,
    /// the sidecar's address, and the base of the HTTP management URLs with the system key they need.
    /// </summary>
    public string ClientBinding(Uri frontDoor, string systemKey) => new JsonObject
    {
        ["taskHubName"] = _settings.HubName,
        ["connectionName"] = "AzureWebJobsStorage",
        ["rpcBaseUrl"] = RpcBaseUrl.ToString(),
        ["requiredQueryStringParameters"] = "code=" + Uri.EscapeDataString(systemKey),
        ["httpBaseUrl"] = new Uri(frontDoor, DurableWebhooks.Prefix).ToString().TrimEnd('/'),
        // The worker's client takes its message size limit from here (without it, a limit of 0 refuses every answer).
        ["maxGrpcMessageSizeInBytes"] = int.MaxValue,
    }.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.StopAsync(TimeSpan.FromSeconds(2));
            await _sidecar.DisposeAsync();
        }

        if (_started)
        {
            // Not forced: work items in flight finish or are abandoned, and the partition leases are released
            // so the next host (or this one restarted) takes them over without waiting for them to expire.
            await _worker.StopAsync(isForced: false);
        }

        _worker.Dispose();
        _frameworkLog.Dispose();
    }
}
