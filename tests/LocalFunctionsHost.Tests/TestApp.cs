using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalFunctionsHost.Tests;

/// <summary>
/// A function app folder made for one test: host.json pointing at the recording node handler,
/// function folders from the test, local.settings.json with keys and the storage connection;
/// and the host running it.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    public const string MasterKey = "master-key-for-tests";
    public const string FunctionKey = "function-key-for-tests";

    private readonly string _folder;
    private FunctionAppHost? _host;

    private TestApp(string folder)
    {
        _folder = folder;
    }

    public string RecordFile => Path.Combine(_folder, "records.jsonl");

    public FunctionAppHost Host => _host!;

    public Uri FrontDoor => new($"http://127.0.0.1:{Host.Port}/");

    public static async Task<TestApp> StartAsync(
        string connectionString,
        IReadOnlyDictionary<string, string> functions,
        bool forwarding = true,
        JsonObject? queues = null,
        JsonObject? outputs = null,
        TimeProvider? clock = null,
        string? name = null)
    {
        // The folder's name is the app's name, from which the timer monitor's host id derives.
        string folder = Path.Combine(Directory.CreateTempSubdirectory("lfh-").FullName, name ?? "app" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "handler", "handler.js"), Path.Combine(folder, "handler.js"));
        var host = new JsonObject
        {
            ["version"] = "2.0",
            ["customHandler"] = new JsonObject
            {
                ["description"] = new JsonObject { ["defaultExecutablePath"] = "node", ["arguments"] = new JsonArray("handler.js", "%UNSET_TOKEN%") },
                ["enableForwardingHttpRequest"] = forwarding,
            },
            ["extensions"] = new JsonObject
            {
                ["http"] = new JsonObject { ["routePrefix"] = "api" },
                ["queues"] = queues ?? new JsonObject { ["maxPollingInterval"] = "00:00:00.200", ["visibilityTimeout"] = "00:00:00" },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(folder, "host.json"), host.ToJsonString());
        foreach ((string function, string json) in functions)
        {
            Directory.CreateDirectory(Path.Combine(folder, function));
            await File.WriteAllTextAsync(Path.Combine(folder, function, "function.json"), json);
        }

        var settings = new JsonObject
        {
            ["IsEncrypted"] = false,
            ["Values"] = new JsonObject
            {
                ["AzureWebJobsStorage"] = connectionString,
                ["RECORD_FILE"] = Path.Combine(folder, "records.jsonl"),
                ["OUTPUTS_JSON"] = (outputs ?? []).ToJsonString(),
            },
            ["Host"] = new JsonObject { ["MasterKey"] = MasterKey, ["FunctionKeys"] = new JsonObject { ["default"] = FunctionKey } },
        };
        await File.WriteAllTextAsync(Path.Combine(folder, "local.settings.json"), settings.ToJsonString());
        await File.WriteAllTextAsync(Path.Combine(folder, "records.jsonl"), string.Empty);

        var app = new TestApp(folder);
        AppDefinition definition = AppDefinition.Load(folder);
        app._host = new FunctionAppHost(definition, LocalSettings.Load(Path.Combine(folder, "local.settings.json")), NullLogger.Instance, clock ?? TimeProvider.System, verbose: true);
        await app._host.StartAsync(0, CancellationToken.None);
        return app;
    }

    /// <summary>Every request the handler received, in order.</summary>
    public IReadOnlyList<JsonElement> Records()
    {
        var records = new List<JsonElement>();
        foreach (string line in File.ReadAllLines(RecordFile))
        {
            if (line.Length > 0)
            {
                records.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return records;
    }

    /// <summary>Requests to POST /{function}, with their bodies parsed.</summary>
    public IReadOnlyList<JsonElement> Invocations(string function) =>
        Records().Where(r => r.GetProperty("url").GetString() == "/" + function)
            .Select(r => JsonDocument.Parse(r.GetProperty("body").GetString()!).RootElement.Clone())
            .ToList();

    /// <summary>Waits (bounded) until the condition holds; fails the test with the message otherwise.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
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
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        try
        {
            Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
