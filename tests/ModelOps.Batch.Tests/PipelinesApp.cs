using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ModelOps.Storage;
using ModelOps.Storage.Batch;
using ModelOps.Testing;

namespace ModelOps.Batch.Tests;

/// <summary>
/// The Pipelines app under the local Functions host against the test Azurite, with its own registry, status table and
/// source names, the Telco model registered as champion, and — for tests that need retries to come fast — the app's
/// host.json with a shorter visibility timeout and another <c>maxDequeueCount</c> (the app folder is the build output
/// linked file by file, with that one file written anew).
/// </summary>
internal sealed class PipelinesApp : IAsyncDisposable
{
    private readonly string _linkedFolder;

    private PipelinesApp(LocalFunctionsHostProcess host, StorageConnection storage, string statusTable, int version, string linkedFolder)
    {
        Host = host;
        Storage = storage;
        StatusTable = statusTable;
        Version = version;
        _linkedFolder = linkedFolder;
    }

    public LocalFunctionsHostProcess Host { get; }

    public StorageConnection Storage { get; }

    public string StatusTable { get; }

    /// <summary>The version of the Telco model the champion alias points at.</summary>
    public int Version { get; }

    public BatchStatusStore Status => new(Storage.CreateTableServiceClient().GetTableClient(StatusTable));

    public TableServiceClient Tables => Storage.CreateTableServiceClient();

    public BlobServiceClient Blobs => Storage.CreateBlobServiceClient();

    public QueueClient Queue(string name) => Storage.CreateQueueServiceClient(o => o.MessageEncoding = QueueMessageEncoding.Base64).GetQueueClient(name);

    /// <summary>Starts the app with the jobs in <paramref name="jobs"/> (setting suffix → value, e.g. <c>nightly__Source</c>).</summary>
    public static async Task<PipelinesApp> StartAsync(AzuriteFixture azurite, IReadOnlyDictionary<string, string> jobs, TimeSpan? visibilityTimeout = null, int? maxDequeueCount = null, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var storage = StorageConnection.FromConnectionString(azurite.ConnectionString);
        string registryTable = AzuriteFixture.UniqueName("reg"), artifacts = AzuriteFixture.UniqueName("art"), status = AzuriteFixture.UniqueName("jobs");
        int version = await TelcoModel.RegisterAsync(storage, registryTable, artifacts);
        var values = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Registry__AuditKey"] = TelcoModel.AuditKey,
            ["Registry__TableName"] = registryTable,
            ["Registry__ArtifactContainer"] = artifacts,
            ["Batch__StatusTable"] = status,
        };
        foreach ((string key, string value) in jobs)
        {
            values["Batch__Jobs__" + key] = value;
        }

        // Always a linked folder: its host.json polls idle queues every second at most, and its path names this app's worker.
        string linked = Link(LocalFunctionsHostProcess.BuildOutputOf("Pipelines"), visibilityTimeout ?? TimeSpan.FromSeconds(30), maxDequeueCount ?? 5, batchSize);
        LocalFunctionsHostProcess host;
        try
        {
            host = await LocalFunctionsHostProcess.StartAsync([linked], values, timeout: TimeSpan.FromMinutes(3));
        }
        catch
        {
            Directory.Delete(linked, recursive: true);
            throw;
        }

        return new PipelinesApp(host, storage, status, version, linked);
    }

    /// <summary>Requests a run of <paramref name="job"/> as <c>modelops jobs run</c> does, once the scheduler has written the job to the table.</summary>
    public async Task<string> RunAsync(string job)
    {
        await WaitForAsync(async () => await Status.GetJobAsync(job, CancellationToken.None) is not null, TimeSpan.FromMinutes(1), $"job {job} to be written by the scheduler");
        string runId = RunIds.OnDemand(DateTimeOffset.UtcNow);
        QueueClient runs = Queue(BatchQueues.Runs);
        await runs.CreateIfNotExistsAsync();
        await runs.SendMessageAsync(System.Text.Json.JsonSerializer.Serialize(new RunRequest(job, runId, "manual"), BatchJsonContext.Default.RunRequest));
        return runId;
    }

    /// <summary>Waits until the run has finished and returns it.</summary>
    public async Task<BatchRunStatus> WaitForRunAsync(string job, string runId, TimeSpan timeout)
    {
        BatchRunStatus? last = null;
        await WaitForAsync(async () =>
        {
            last = (await Status.GetRunAsync(job, runId, CancellationToken.None))?.Status;
            return last is { IsFinished: true };
        }, timeout, $"run {job}/{runId} to finish");
        return last!;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> with the host's output.</summary>
    public async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var stopwatch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (stopwatch.Elapsed > timeout)
            {
                string output = Host.Output;
                throw new TimeoutException($"Waited {timeout} for {what}. Host output (last 8000 characters): {output[Math.Max(0, output.Length - 8000)..]}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Kills the app's worker process (the host restarts it); false when none was running.</summary>
    public bool KillWorker()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains("ModelOps.Pipelines.dll", StringComparison.Ordinal) && cmdline.Contains("--functions-uri", StringComparison.Ordinal)
                    && cmdline.Contains(_linkedFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    using Process worker = Process.GetProcessById(pid);
                    worker.Kill();
                    return true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // The process ended while we looked.
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(_linkedFolder, recursive: true);
    }

    private static string Link(string app, TimeSpan visibilityTimeout, int maxDequeueCount, int batchSize)
    {
        string folder = Directory.CreateTempSubdirectory("modelops-pipelines-").FullName;
        foreach (string entry in Directory.EnumerateFileSystemEntries(app))
        {
            string name = Path.GetFileName(entry);
            if (name != "host.json")
            {
                string target = Path.Combine(folder, name);
                if (Directory.Exists(entry))
                {
                    Directory.CreateSymbolicLink(target, entry);
                }
                else
                {
                    File.CreateSymbolicLink(target, entry);
                }
            }
        }

        JsonNode hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(app, "host.json")))!;
        JsonNode queues = hostJson["extensions"]!["queues"]!;
        queues["visibilityTimeout"] = visibilityTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        queues["maxDequeueCount"] = maxDequeueCount;
        queues["batchSize"] = batchSize;
        queues["maxPollingInterval"] = "00:00:01";
        File.WriteAllText(Path.Combine(folder, "host.json"), hostJson.ToJsonString());
        return folder;
    }
}
