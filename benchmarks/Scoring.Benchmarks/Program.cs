using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using LocalFunctionsHost;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Registry;
using Microsoft.ML.OnnxRuntime;
using ModelOps.Scoring;
using ModelOps.Scoring.Cache;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Payloads;
using ModelOps.Scoring.Routing;
using ModelOps.Scoring.Telemetry;
using ModelOps.Scoring.Validation;
using ModelOps.Storage;
using ModelOps.Storage.Registry;
using ModelOps.Testing;
using LocalFunctionsHost.Benchmarks;
using Scoring.Benchmarks;

// Single-row HTTP scoring of the Telco GLM and GBDT pipelines our trainers export, on loopback, bounded, one run:
//   floor   GET /api/health (the app's near-empty anonymous function) through the local host's front door, and
//           straight to the worker's Kestrel (what the Functions pipeline costs before any scoring)
//   host    POST /api/models/{m}/score through the same front door (function key, routing, YARP to the worker, gRPC);
//           GET /api/models/{m}/schema beside it separates what a keyed call costs from what forwarding a body does
//   worker  the same POST straight to the worker's Kestrel (the InvocationRequest over the same gRPC channel)
//   peer    a minimal ASP.NET Core API scoring the same ONNX file with ONNX Runtime, in its own process
//   swap    host GLM at concurrency 16 while champion moves between two versions every 1.5 s (alias poll 1 s)
//   service the scoring service called in process (no HTTP) against ONNX Runtime scoring the row as the peer does
//   keyed   GET /api/health with a function key: the floor's function and route, plus what a key adds on the host path
// Beside the rates, the CPU each process spent per request (Linux): where a request's time goes.
// Usage: Scoring.Benchmarks [TELCO.csv] [--requests N (2000)] [--rounds R (3)] [--concurrency C] [--only TEXT[,TEXT…]]
//        [--warmup SECONDS (3 per target)] [--payload-sample-rate P (1, the app's default: every scored row is logged)];
// medians over rounds, targets alternated. --only keeps the targets whose names contain one of the texts and skips the
// hot swap and in-process figures (a quick look at one difference); --concurrency measures that one level only.
// Before the first round every target runs at concurrency 16 for the warm-up seconds, unmeasured: a fresh worker
// spends its first half minute or so of load re-compiling its hot methods (tiered JIT, in the background, on the
// same cores), and the targets are steady-state figures — a long-running app's, not a cold start's.
if (args is ["peer", ..])
{
    await MinimalApiPeer.RunAsync(args[1..]);
    return;
}

string telcoCsv = args.FirstOrDefault(a => a.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
    ?? Path.Combine(RepositoryLayout.SharedData, "datasets", "WA_Fn-UseC_-Telco-Customer-Churn.csv");
int requests = Option("--requests", 2000);
int rounds = Option("--rounds", 3);
int warmupSeconds = Option("--warmup", 3);
int[] concurrencies = Option("--concurrency", 0) is > 0 and int only ? [only] : [1, 16, 64];
string[]? onlyTargets = Text("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

Console.Error.WriteLine("Training the Telco GLM and GBDT pipelines …");
Dataset telco = CsvDatasetReader.Read(telcoCsv);
Dataset train = telco.Slice(0, 5634), test = telco.Slice(5634, telco.RowCount);
PipelineSpec spec = PipelineSpecJson.Read(Path.Combine(RepositoryLayout.Root, "examples", "telco-churn.spec.json"));
FittedPipeline glmPipeline = PipelineTrainer.Fit(spec, train).Pipeline;
byte[] glm = PipelineOnnxExporter.Export(glmPipeline);
byte[] glmRetrained = PipelineOnnxExporter.Export(PipelineTrainer.Fit(spec, train.Slice(0, 5000)).Pipeline);
byte[] gbdt = PipelineOnnxExporter.Export(PipelineTrainer.Fit(spec with { Estimator = new EstimatorSpec { Type = EstimatorType.Gbdt } }, train).Pipeline);

string work = Directory.CreateTempSubdirectory("scoring-bench-").FullName;
await using var azurite = new AzuriteFixture();
await azurite.InitializeAsync();
string auditKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
var registryOptions = new RegistryOptions { AuditKey = auditKey };
var storage = new RegistryStorageOptions();
ModelRegistry registry = ModelRegistryFactory.Create(StorageConnection.FromConnectionString(azurite.ConnectionString), registryOptions, storage, TimeProvider.System,
    validator: new CrossCheckedArtifactValidator(registryOptions, new EngineSelector()));
var metrics = new Dictionary<string, double> { ["auroc"] = 0.8 };
await registry.RegisterAsync(new RegistrationRequest("telco-glm", Metrics: metrics, Alias: "champion", Reason: "benchmark"), glm, "benchmark", CancellationToken.None);
await registry.RegisterAsync(new RegistrationRequest("telco-glm", Metrics: metrics, Reason: "benchmark"), glmRetrained, "benchmark", CancellationToken.None);
await registry.RegisterAsync(new RegistrationRequest("telco-gbdt", Metrics: metrics, Alias: "champion", Reason: "benchmark"), gbdt, "benchmark", CancellationToken.None);

string functionKey = Convert.ToHexString(Guid.NewGuid().ToByteArray());
string settingsFile = Path.Combine(work, "local.settings.json");
await File.WriteAllTextAsync(settingsFile, new JsonObject
{
    ["Values"] = new JsonObject
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Registry__AuditKey"] = auditKey,
        ["Scoring__Cache__PollInterval"] = "00:00:01",
        ["Scoring__Payloads__SampleRate"] = Text("--payload-sample-rate") ?? "1",
    },
    ["Host"] = new JsonObject { ["MasterKey"] = "master-" + functionKey, ["FunctionKeys"] = new JsonObject { ["default"] = functionKey } },
}.ToJsonString());

string appFolder = typeof(LoadWindow).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ScoringAppFolder").Value!;
await using var host = new FunctionAppHost(AppDefinition.Load(appFolder), LocalSettings.Load(settingsFile), NullLogger.Instance, TimeProvider.System, verbose: false);
await host.StartAsync(0, CancellationToken.None);
WorkerChannel channel = host.Worker.Current ?? throw new InvalidOperationException("The worker did not start.");
FunctionDefinition score = host.Functions.Single(f => f.Name == "score");
FunctionDefinition health = host.Functions.Single(f => f.Name == "health");
FunctionDefinition schema = host.Functions.Single(f => f.Name == "schema");
Uri frontDoor = new($"http://127.0.0.1:{host.Port}/");

string glmFile = Path.Combine(work, "telco-glm.onnx"), gbdtFile = Path.Combine(work, "telco-gbdt.onnx");
await File.WriteAllBytesAsync(glmFile, glm);
await File.WriteAllBytesAsync(gbdtFile, gbdt);
int peerPort = LoopbackPorts.GetFree();
using Process peer = StartPeer(peerPort, $"telco-glm={glmFile}", $"telco-gbdt={gbdtFile}");

using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
await WaitForAsync(new Uri($"http://127.0.0.1:{peerPort}/ready"));

// One-row bodies from the held-out rows with every value present, used in turn.
byte[][] bodies = Enumerable.Range(0, test.RowCount)
    .Where(r => glmPipeline.Inputs.All(i => test[i.Name].Numbers is not { } n || !double.IsNaN(n[r])))
    .Take(256)
    .Select(r => Encoding.UTF8.GetBytes(new JsonObject(glmPipeline.Inputs.Select(i => KeyValuePair.Create(i.Name,
        test[i.Name].Numbers is { } n ? JsonValue.Create(n[r]) : (JsonNode?)JsonValue.Create(test[i.Name].Texts![r])))).ToJsonString()))
    .ToArray();
int turn = 0;
byte[] NextBody() => bodies[(int)((uint)Interlocked.Increment(ref turn) % bodies.Length)];

var invocations = new System.Collections.Concurrent.ConcurrentQueue<Task<InvocationResponse>>();
Uri workerUri = channel.HttpUri ?? throw new InvalidOperationException("The worker serves no HTTP.");

Func<CancellationToken, Task> Floor() => async ct =>
{
    using HttpResponseMessage response = await http.GetAsync(new Uri(frontDoor, "api/health"), ct);
    Check(response);
};

Func<CancellationToken, Task> KeyedFloor() => async ct =>
{
    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(frontDoor, "api/health"));
    request.Headers.Add("x-functions-key", functionKey);
    using HttpResponseMessage response = await http.SendAsync(request, ct);
    Check(response);
};

Func<CancellationToken, Task> ThroughHost(string model) => async ct =>
{
    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(frontDoor, $"api/models/{model}/score")) { Content = Json(NextBody()) };
    request.Headers.Add("x-functions-key", functionKey);
    using HttpResponseMessage response = await http.SendAsync(request, ct);
    Check(response);
};

Func<CancellationToken, Task> SchemaThroughHost(string model) => async ct =>
{
    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(frontDoor, $"api/models/{model}/schema"));
    request.Headers.Add("x-functions-key", functionKey);
    using HttpResponseMessage response = await http.SendAsync(request, ct);
    Check(response);
};

// Straight to the worker's Kestrel: the function's InvocationRequest over the host's gRPC channel, the request itself over HTTP.
Func<CancellationToken, Task> ToWorker(string? model) => model is null
    ? DirectToWorker(health, "api/health", null, null)
    : DirectToWorker(score, $"api/models/{model}/score", model, NextBody);

Func<CancellationToken, Task> DirectToWorker(FunctionDefinition function, string path, string? model, Func<byte[]>? body) => async ct =>
{
    var url = new Uri(workerUri, path);
    InvocationRequest invocation = FunctionInvoker.NewRequest(function);
    if (model is not null)
    {
        invocation.TriggerMetadata["model"] = new TypedData { String = model };
    }

    // What the host sends a worker that serves HTTP itself: an empty RpcHttp, the route values as trigger metadata.
    invocation.InputData.Add(new ParameterBinding { Name = function.Trigger.Name, Data = new TypedData { Http = new RpcHttp() } });
    invocations.Enqueue(channel.InvokeAsync(invocation, ct));
    using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, url) { Content = body is null ? null : Json(body()) };
    request.Headers.Add("x-ms-invocation-id", invocation.InvocationId);
    using HttpResponseMessage response = await http.SendAsync(request, ct);
    Check(response);
};

Func<CancellationToken, Task> ToPeer(string model) => async ct =>
{
    using HttpResponseMessage response = await http.PostAsync(new Uri($"http://127.0.0.1:{peerPort}/score/{model}"), Json(NextBody()), ct);
    Check(response);
};

var targets = new (string Name, Func<CancellationToken, Task> Send)[]
{
    ("floor (health) via host", Floor()),
    ("floor (health, key) via host", KeyedFloor()),
    ("GLM schema (GET, key, no body) via host", SchemaThroughHost("telco-glm")),
    ("GLM via host", ThroughHost("telco-glm")),
    ("GBDT via host", ThroughHost("telco-gbdt")),
    ("floor (health) worker Kestrel", ToWorker(null)),
    ("GLM schema worker Kestrel", DirectToWorker(schema, "api/models/telco-glm/schema", "telco-glm", null)),
    ("GLM worker Kestrel", ToWorker("telco-glm")),
    ("GLM minimal API + ORT", ToPeer("telco-glm")),
    ("GBDT worker Kestrel", ToWorker("telco-gbdt")),
    ("GBDT minimal API + ORT", ToPeer("telco-gbdt")),
}.Where(t => onlyTargets is null || onlyTargets.Any(o => t.Name.Contains(o, StringComparison.OrdinalIgnoreCase))).ToArray();

bool full = onlyTargets is null && concurrencies.Length == 3;
(string Name, (double P50Us, double P99Us) Cost)[] inProcess = full ? await InProcessCostsAsync() : [];

foreach (var (name, send) in targets)
{
    Console.Error.WriteLine($"Warming up {name} …");
    await LoadWindow.MeasureWhileAsync(name, 16, Task.Delay(TimeSpan.FromSeconds(warmupSeconds)), send, CancellationToken.None);
}

var results = new Dictionary<(string, int), List<LoadResult>>();
var cpu = new Dictionary<(string, int), List<Dictionary<string, double>>>();
var swaps = new List<LoadResult>();
int champion = 1;
for (int round = 0; round < rounds; round++)
{
    Console.Error.WriteLine($"Round {round + 1} of {rounds} …");
    foreach (int c in concurrencies)
    {
        // Alternate the order each round so no target always runs on a warmer or quieter machine.
        foreach (var (name, send) in round % 2 == 0 ? targets : targets.Reverse())
        {
            Dictionary<string, TimeSpan> before = ProcessCpu.Sample();
            LoadResult r = await LoadRun.MeasureAsync(name, c, requests, send, CancellationToken.None);
            (results.TryGetValue((name, c), out var list) ? list : results[(name, c)] = []).Add(r);
            // The closed loop's warm-up requests are in the CPU too.
            (cpu.TryGetValue((name, c), out var used) ? used : cpu[(name, c)] = []).Add(ProcessCpu.PerRequest(before, ProcessCpu.Sample(), requests + Math.Min(200, requests / 5)));
        }
    }

    if (!full)
    {
        continue;
    }

    // The hot swap: champion moves back and forth six times while 16 callers score; each move is seen within a poll.
    Task window = Task.Run(async () =>
    {
        for (int swap = 0; swap < 6; swap++)
        {
            await Task.Delay(1500);
            champion = champion == 1 ? 2 : 1;
            await registry.MoveAliasAsync("telco-glm", "champion", champion, "benchmark swap", null, "benchmark", force: false, CancellationToken.None);
        }

        await Task.Delay(1200);
    });
    swaps.Add(await LoadWindow.MeasureWhileAsync("swap", 16, window, ThroughHost("telco-glm"), CancellationToken.None));
}

InvocationResponse[] answered = await Task.WhenAll(invocations);
if (answered.Any(a => a.Result.Status != StatusResult.Types.Status.Success))
{
    throw new InvalidOperationException("A direct invocation failed.");
}

LoadResult M(string name, int c) => LoadWindow.Median(results[(name, c)]);
static string F(double v) => v.ToString(v >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture);
Console.WriteLine($"Single-row scoring, {requests} requests per cell, medians of {rounds} rounds, {Environment.ProcessorCount} cores, loopback.");
Console.WriteLine();
Console.WriteLine("| target | concurrency | req/s | p50 ms | p99 ms |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var (name, _) in targets)
{
    foreach (int c in concurrencies)
    {
        LoadResult r = M(name, c);
        Console.WriteLine($"| {name} | {c} | {F(r.RequestsPerSecond)} | {F(r.P50Ms)} | {F(r.P99Ms)} |");
    }
}

if (full)
{
    LoadResult swappedRow = LoadWindow.Median(swaps);
    Console.WriteLine($"| GLM via host, champion swapped 6 times | 16 | {F(swappedRow.RequestsPerSecond)} | {F(swappedRow.P50Ms)} | {F(swappedRow.P99Ms)} |");
}

string[] roles = ["bench+host", "worker", "azurite", "peer"];
if (cpu.Values.Any(rounds => rounds.Any(r => r.Count > 0)))
{
    int c16 = concurrencies.Contains(16) ? 16 : concurrencies[0];
    Console.WriteLine();
    Console.WriteLine($"| CPU µs per request at concurrency {c16}, median of rounds | {string.Join(" | ", roles)} |");
    Console.WriteLine($"|---|{string.Concat(roles.Select(_ => "---:|"))}");
    foreach (var (name, _) in targets)
    {
        IEnumerable<string> cells = roles.Select(role => F(LoadWindow.Median(cpu[(name, c16)].Select(r => r.GetValueOrDefault(role)))));
        Console.WriteLine($"| {name} | {string.Join(" | ", cells)} |");
    }
}

if (targets.Any(t => t.Name == "floor (health) via host") && targets.Any(t => t.Name == "floor (health, key) via host"))
{
    Console.WriteLine();
    Console.WriteLine("| concurrency | keyed / anonymous floor req/s, per round |");
    Console.WriteLine("|---:|---|");
    foreach (int c in concurrencies)
    {
        IEnumerable<string> perRound = results[("floor (health, key) via host", c)].Zip(results[("floor (health) via host", c)],
            (k, a) => (k.RequestsPerSecond / a.RequestsPerSecond).ToString("F2", CultureInfo.InvariantCulture));
        Console.WriteLine($"| {c} | {string.Join(", ", perRound)} |");
    }
}

if (!full)
{
    peer.Kill(entireProcessTree: true);
    await peer.WaitForExitAsync();
    Directory.Delete(work, recursive: true);
    return;
}

LoadResult swapped = LoadWindow.Median(swaps);
Console.WriteLine();
Console.WriteLine("| concurrency | GLM host / floor req/s | GBDT host / floor req/s | GLM worker / minimal API req/s | GBDT worker / minimal API req/s | empty function worker / GLM minimal API req/s |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
foreach (int c in concurrencies)
{
    double floor = M("floor (health) via host", c).RequestsPerSecond;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {c} | {M("GLM via host", c).RequestsPerSecond / floor:F2} | {M("GBDT via host", c).RequestsPerSecond / floor:F2} | {M("GLM worker Kestrel", c).RequestsPerSecond / M("GLM minimal API + ORT", c).RequestsPerSecond:F2} | {M("GBDT worker Kestrel", c).RequestsPerSecond / M("GBDT minimal API + ORT", c).RequestsPerSecond:F2} | {M("floor (health) worker Kestrel", c).RequestsPerSecond / M("GLM minimal API + ORT", c).RequestsPerSecond:F2} |"));
}

Console.WriteLine();
// On a saturated machine the rate follows the CPU a request costs all processes, so its inverse ratio is a second,
// steadier estimate of the same figure; it leaves out what the neighbours' load does to the rates.
Console.WriteLine("| concurrency | GLM host / floor req/s, per round | GBDT host / floor req/s, per round | floor / GLM host CPU per request, per round | floor / GBDT host CPU per request, per round |");
Console.WriteLine("|---:|---|---|---|---|");
foreach (int c in concurrencies)
{
    string PerRound(string target) => string.Join(", ", results[(target, c)].Zip(results[("floor (health) via host", c)],
        (t, f) => (t.RequestsPerSecond / f.RequestsPerSecond).ToString("F2", CultureInfo.InvariantCulture)));
    // The peer idles through these targets; what it spends is not theirs.
    static double Spent(Dictionary<string, double> used) => used.Where(u => u.Key != "peer").Sum(u => u.Value);
    string CpuPerRound(string target) => string.Join(", ", cpu[(target, c)].Zip(cpu[("floor (health) via host", c)],
        (t, f) => Spent(t) > 0 ? (Spent(f) / Spent(t)).ToString("F2", CultureInfo.InvariantCulture) : "–"));
    Console.WriteLine($"| {c} | {PerRound("GLM via host")} | {PerRound("GBDT via host")} | {CpuPerRound("GLM via host")} | {CpuPerRound("GBDT via host")} |");
}

Console.WriteLine();
Console.WriteLine("| in process, one row at a time | p50 µs | p99 µs |");
Console.WriteLine("|---|---:|---:|");
foreach (var (name, cost) in inProcess)
{
    Console.WriteLine($"| {name} | {F(cost.P50Us)} | {F(cost.P99Us)} |");
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"p99 at concurrency 16 via host: GLM {M("GLM via host", 16).P99Ms:F2} ms, GBDT {M("GBDT via host", 16).P99Ms:F2} ms; hot swap p99 {swapped.P99Ms:F2} ms = {swapped.P99Ms / M("GLM via host", 16).P99Ms:F2}x steady."));

peer.Kill(entireProcessTree: true);
await peer.WaitForExitAsync();
Directory.Delete(work, recursive: true);

async Task<(string, (double, double))[]> InProcessCostsAsync()
{
    var connection = StorageConnection.FromConnectionString(azurite.ConnectionString);
    using var scoringMetrics = new ScoringMetrics();
    var engines = new EngineSelector();
    await using var cache = new ModelCache(registry, engines, new ModelCacheOptions(), TimeProvider.System, scoringMetrics, NullLogger<ModelCache>.Instance);
    await using var payloads = new PayloadLogger(new BlobPayloadSink(connection.CreateBlobServiceClient().GetBlobContainerClient("monitoring"), TimeProvider.System),
        new PayloadOptions(), scoringMetrics, NullLogger<PayloadLogger>.Instance);
    var shadowScorer = new ShadowScorer(cache, payloads, scoringMetrics, NullLogger<ShadowScorer>.Instance, TimeProvider.System);
    var service = new ScoringService(cache, new RoutingTable(ModelRegistryFactory.CreateRoutingStore(connection, storage), TimeProvider.System, TimeSpan.FromSeconds(1)),
        shadowScorer, payloads, new RequestLimits(), scoringMetrics, NullLogger<ScoringService>.Instance, TimeProvider.System);
    using var glmOrt = new InferenceSession(glm);
    using var gbdtOrt = new InferenceSession(gbdt);
    int n = Math.Max(requests, 2000);

    // In alternated rounds, medians over them as for the HTTP targets: a cell measured first ran slower than the same
    // cell measured again (background compilation and collection still settling), whichever model it was.
    var measured = new Dictionary<string, List<(double P50Us, double P99Us)>>();
    for (int round = 0; round < rounds; round++)
    {
        foreach (string model in new[] { "telco-glm", "telco-gbdt" })
        {
            InferenceSession ort = model == "telco-glm" ? glmOrt : gbdtOrt;
            Add($"{model} scoring service", await InProcessCost.MeasureAsync(n, async i =>
                await service.ScoreAsync(new ScoreRequest(model, bodies[i % bodies.Length], "bench"), CancellationToken.None)));
            Add($"{model} ONNX Runtime as the peer", await InProcessCost.MeasureAsync(n, i =>
            {
                InProcessCost.ScoreWithOnnxRuntime(ort, bodies[i % bodies.Length]);
                return ValueTask.CompletedTask;
            }));
        }
    }

    void Add(string name, (double P50Us, double P99Us) cost) => (measured.TryGetValue(name, out var list) ? list : measured[name] = []).Add(cost);
    var costs = measured.Select(m => (m.Key, (LoadWindow.Median(m.Value.Select(c => c.P50Us)), LoadWindow.Median(m.Value.Select(c => c.P99Us))))).ToList();

    await shadowScorer.StopAsync(CancellationToken.None);
    return costs.ToArray();
}

string? Text(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int Option(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : fallback;
}

static ByteArrayContent Json(byte[] body)
{
    var content = new ByteArrayContent(body);
    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
    return content;
}

static void Check(HttpResponseMessage response)
{
    if (response.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"A benchmark request got {(int)response.StatusCode}.");
    }
}

static Process StartPeer(int port, params string[] models)
{
    var info = new ProcessStartInfo("dotnet") { UseShellExecute = false };
    info.ArgumentList.Add(typeof(LoadWindow).Assembly.Location);
    info.ArgumentList.Add("peer");
    info.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
    foreach (string m in models)
    {
        info.ArgumentList.Add(m);
    }

    return Process.Start(info) ?? throw new InvalidOperationException("The minimal API peer did not start.");
}

async Task WaitForAsync(Uri ready)
{
    var clock = Stopwatch.StartNew();
    while (true)
    {
        try
        {
            using HttpResponseMessage response = await http.GetAsync(ready);
            if (response.IsSuccessStatusCode) return;
        }
        catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }
    }
}
