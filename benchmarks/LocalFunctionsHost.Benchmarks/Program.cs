using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using LocalFunctionsHost;
using LocalFunctionsHost.Benchmarks;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.Logging.Abstractions;

// The cost of the local host's HTTP hop. The same empty anonymous function ("Open" in the test app) is called
//   host:   through the front door (routing, keys, YARP forward to the worker, invocation over gRPC), and
//   direct: as a host without a front door would: the InvocationRequest over the same gRPC channel and the
//           request straight to the worker's Kestrel with x-ms-invocation-id.
// Both in one run, loopback, bounded: REQUESTS per target and concurrency (default 3000).
// `raise-event [ROUNDS]` measures the Durable path instead (RaiseEventLatency).
string appFolder = typeof(LoadRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestAppFolder").Value!;
if (args is ["raise-event", ..])
{
    await RaiseEventLatency.RunAsync(appFolder, args.Length > 1 && int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int r) && r > 0 ? r : 20);
    return;
}

int requests = args.Length > 0 && int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 3000;
int[] concurrencies = [1, 16, 64];

string work = Directory.CreateTempSubdirectory("lfh-bench-").FullName;
var values = new JsonObject { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" };
foreach (string function in TestAppFunctions.All.Except(["Open"]))
{
    values[$"AzureWebJobs.{function}.Disabled"] = "true";
}

string settingsFile = Path.Combine(work, "local.settings.json");
await File.WriteAllTextAsync(settingsFile, new JsonObject { ["Values"] = values }.ToJsonString());

await using var host = new FunctionAppHost(AppDefinition.Load(appFolder), LocalSettings.Load(settingsFile), NullLogger.Instance, TimeProvider.System, verbose: false);
await host.StartAsync(0, CancellationToken.None);
WorkerChannel channel = host.Worker.Current ?? throw new InvalidOperationException("The worker did not start.");
FunctionDefinition open = host.Functions.Single(f => f.Name == "Open");
Uri frontDoor = new($"http://127.0.0.1:{host.Port}/api/Open");
Uri worker = new(channel.HttpUri!, "api/Open");

using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan });

async Task ThroughHost(CancellationToken ct)
{
    using HttpResponseMessage response = await http.GetAsync(frontDoor, ct);
    Check(response);
}

// Like the front door, the direct caller is done when the HTTP answer is; the invocation responses are
// collected and checked after the run.
var invocations = new System.Collections.Concurrent.ConcurrentQueue<Task<InvocationResponse>>();

async Task Direct(CancellationToken ct)
{
    InvocationRequest invocation = FunctionInvoker.NewRequest(open);
    invocation.InputData.Add(new ParameterBinding { Name = open.Trigger.Name, Data = new TypedData { Http = new RpcHttp() } });
    invocations.Enqueue(channel.InvokeAsync(invocation, ct));
    using var request = new HttpRequestMessage(HttpMethod.Get, worker);
    request.Headers.Add("x-ms-invocation-id", invocation.InvocationId);
    using HttpResponseMessage response = await http.SendAsync(request, ct);
    Check(response);
}

static void Check(HttpResponseMessage response)
{
    if (response.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"A benchmark request got {(int)response.StatusCode}.");
    }
}

Console.WriteLine($"Empty HTTP function, {requests} requests per row, {Environment.ProcessorCount} cores, loopback.");
Console.WriteLine();
Console.WriteLine("| concurrency | direct req/s | host req/s | host/direct throughput | direct p50 ms | host p50 ms | direct p99 ms | host p99 ms |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (int concurrency in concurrencies)
{
    // Two rounds in alternating order; each target keeps its better round (the machine is shared and noisy).
    LoadResult direct = await LoadRun.MeasureAsync("direct", concurrency, requests, Direct, CancellationToken.None);
    LoadResult viaHost = await LoadRun.MeasureAsync("host", concurrency, requests, ThroughHost, CancellationToken.None);
    LoadResult viaHost2 = await LoadRun.MeasureAsync("host", concurrency, requests, ThroughHost, CancellationToken.None);
    LoadResult direct2 = await LoadRun.MeasureAsync("direct", concurrency, requests, Direct, CancellationToken.None);
    direct = direct2.RequestsPerSecond > direct.RequestsPerSecond ? direct2 : direct;
    viaHost = viaHost2.RequestsPerSecond > viaHost.RequestsPerSecond ? viaHost2 : viaHost;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {concurrency} | {direct.RequestsPerSecond:F0} | {viaHost.RequestsPerSecond:F0} | {viaHost.RequestsPerSecond / direct.RequestsPerSecond:F2} | {direct.P50Ms:F2} | {viaHost.P50Ms:F2} | {direct.P99Ms:F2} | {viaHost.P99Ms:F2} |"));
}

InvocationResponse[] responses = await Task.WhenAll(invocations);
if (responses.Any(r => r.Result.Status != StatusResult.Types.Status.Success))
{
    throw new InvalidOperationException("A direct invocation failed.");
}

Directory.Delete(work, recursive: true);

