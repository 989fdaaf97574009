using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOps.Testing;

namespace LocalFunctionsHost.Tests;

/// <summary>
/// The isolated test app (tests/LocalFunctionsHost.TestApp, built with this project) run by a fresh host for
/// one test: only the functions the test names are enabled (the others get <c>AzureWebJobs.NAME.Disabled</c>),
/// every queue and container setting gets a name of its own, and what the functions received is read back
/// from their record file.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    public const string MasterKey = "master-key-for-tests";
    public const string FunctionKey = "function-key-for-tests";
    public const string AuditKey = "audit-key-for-tests";

    public static readonly string[] AllFunctions =
    [
        "Echo", "Admin", "Open", "Upload", "Stream", "StartupTimer", "MonitoredTimer",
        "QueueText", "QueuePoco", "QueueSdk", "QueueFanOut", "QueueReturn", "BlobCopy", "BlobWatch",
        .. DurableApp.DurableFunctions,
    ];

    private static readonly string[] NamedSettings =
    [
        "QUEUE_TEXT", "QUEUE_POCO", "QUEUE_SDK", "QUEUE_FANOUT", "QUEUE_NEXT", "QUEUE_TRAP", "QUEUE_BYTES",
        "QUEUE_RETURN_IN", "QUEUE_RETURN_OUT", "QUEUE_BLOB", "CONTAINER", "WATCHED_CONTAINER",
    ];

    private readonly string _folder;

    private TestApp(string folder, FunctionAppHost host, IReadOnlyDictionary<string, string> values)
    {
        _folder = folder;
        Host = host;
        Values = values;
    }

    /// <summary>The test app's build output, the folder the host runs.</summary>
    public static string AppFolder => Path.Combine(
        RepositoryLayout.Root, "tests", "LocalFunctionsHost.TestApp", "bin",
        typeof(TestApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!,
        "net10.0");

    public FunctionAppHost Host { get; }

    /// <summary>The app settings of this run (queue and container names included).</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    public Uri FrontDoor => new($"http://127.0.0.1:{Host.Port}/");

    private string RecordFile => Path.Combine(_folder, "records.jsonl");

    public static async Task<TestApp> StartAsync(
        string connectionString,
        IEnumerable<string> enabled,
        IReadOnlyDictionary<string, string>? values = null,
        TimeProvider? clock = null,
        Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        (string folder, string settingsFile) = await WriteSettingsAsync(connectionString, enabled, values);
        LocalSettings local = LocalSettings.Load(settingsFile);
        var host = new FunctionAppHost(AppDefinition.Load(AppFolder, local.Values), local, logger ?? NullLogger.Instance, clock ?? TimeProvider.System, verbose: true);
        try
        {
            await host.StartAsync(0, CancellationToken.None);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return new TestApp(folder, host, local.Values);
    }

    /// <summary>A temporary folder with the run's local.settings.json and an empty record file.</summary>
    public static async Task<(string Folder, string SettingsFile)> WriteSettingsAsync(
        string connectionString,
        IEnumerable<string> enabled,
        IReadOnlyDictionary<string, string>? values = null)
    {
        string folder = Directory.CreateTempSubdirectory("lfh-").FullName;
        var settingValues = new JsonObject
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["RECORD_FILE"] = Path.Combine(folder, "records.jsonl"),
            ["MONITORED_SCHEDULE"] = "0 */5 * * * *",
            ["AzureFunctionsWebHost__hostid"] = AzuriteFixture.UniqueName("host"),
        };
        foreach (string name in NamedSettings)
        {
            settingValues[name] = AzuriteFixture.UniqueName(name.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant()[..6]);
        }

        var enabledSet = enabled.ToHashSet(StringComparer.Ordinal);
        foreach (string function in AllFunctions.Where(f => !enabledSet.Contains(f)))
        {
            settingValues[$"AzureWebJobs.{function}.Disabled"] = "true";
        }

        foreach ((string key, string value) in values ?? new Dictionary<string, string>())
        {
            settingValues[key] = value;
        }

        var settings = new JsonObject
        {
            ["IsEncrypted"] = false,
            ["Values"] = settingValues,
            ["Host"] = new JsonObject { ["MasterKey"] = MasterKey, ["FunctionKeys"] = new JsonObject { ["default"] = FunctionKey, ["audit-bot"] = AuditKey } },
        };
        string settingsFile = Path.Combine(folder, "local.settings.json");
        await File.WriteAllTextAsync(settingsFile, settings.ToJsonString());
        await File.WriteAllTextAsync(Path.Combine(folder, "records.jsonl"), string.Empty);
        return (folder, settingsFile);
    }

    /// <summary>What the named function recorded, in order.</summary>
    public IReadOnlyList<JsonElement> Records(string function)
    {
        var records = new List<JsonElement>();
        foreach (string line in File.ReadAllLines(RecordFile))
        {
            if (line.Length > 0)
            {
                JsonElement record = JsonDocument.Parse(line).RootElement.Clone();
                if (record.GetProperty("function").GetString() == function)
                {
                    records.Add(record);
                }
            }
        }

        return records;
    }

    /// <summary>Waits (bounded) until the condition holds; fails the test with the message otherwise.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what} after {seconds} s.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
