using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>One binding of a function, from the worker's metadata (<c>raw_bindings</c>), app-setting names resolved.</summary>
internal sealed record BindingDefinition(string Type, string Direction, string Name, JsonElement Raw)
{
    public string? GetString(string property) =>
        Raw.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public bool GetBool(string property, bool fallback) =>
        Raw.TryGetProperty(property, out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;

    /// <summary>The worker binds this parameter itself from model binding data (SDK types such as <c>QueueMessage</c>, <c>BlobClient</c>).</summary>
    public bool SupportsDeferredBinding =>
        Raw.TryGetProperty("properties", out JsonElement p) && p.ValueKind == JsonValueKind.Object
        && p.TryGetProperty("supportsDeferredBinding", out JsonElement v)
        && string.Equals(v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText(), "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A function as the worker indexed it: name, id and bindings; the trigger is the one binding whose type ends in "Trigger".</summary>
internal sealed partial record FunctionDefinition(string Name, string FunctionId, IReadOnlyList<BindingDefinition> Bindings)
{
    public BindingDefinition Trigger => Bindings.Single(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));

    public IEnumerable<BindingDefinition> Outputs => Bindings.Where(b => string.Equals(b.Direction, "out", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A function from the worker's metadata: each raw binding's string values get <c>%Setting%</c>
    /// replaced from the app settings, as the host resolves them.
    /// </summary>
    public static FunctionDefinition From(RpcFunctionMetadata metadata, LocalSettings settings)
    {
        var bindings = new List<BindingDefinition>();
        foreach (string raw in metadata.RawBindings)
        {
            JsonNode node = JsonNode.Parse(raw) ?? throw new InvalidDataException($"Function '{metadata.Name}' has an empty binding.");
            Resolve(node, settings, metadata.Name);
            JsonElement element = JsonSerializer.SerializeToElement(node, HostJsonContext.Default.JsonNode);
            string type = element.TryGetProperty("type", out JsonElement t) ? t.GetString() ?? string.Empty : string.Empty;
            string direction = element.TryGetProperty("direction", out JsonElement d) ? d.GetString() ?? "in" : "in";
            string name = element.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? "$return" : "$return";
            bindings.Add(new BindingDefinition(type, direction, name, element));
        }

        if (bindings.Count(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase)) != 1)
        {
            throw new InvalidDataException($"Function '{metadata.Name}' needs exactly one trigger binding.");
        }

        return new FunctionDefinition(metadata.Name, metadata.FunctionId, bindings);
    }

    private static void Resolve(JsonNode node, LocalSettings settings, string function)
    {
        if (node is not JsonObject obj)
        {
            return;
        }

        foreach (KeyValuePair<string, JsonNode?> property in obj.ToList())
        {
            if (property.Value is JsonValue value && value.TryGetValue(out string? text) && text.Contains('%', StringComparison.Ordinal))
            {
                obj[property.Key] = SettingToken().Replace(text, m => settings.Values.TryGetValue(m.Groups[1].Value, out string? resolved)
                    ? resolved
                    : Environment.GetEnvironmentVariable(m.Groups[1].Value)
                      ?? throw new InvalidDataException($"Function '{function}': the setting '{m.Groups[1].Value}' used in '{property.Key}' is not in local.settings.json Values."));
            }
        }
    }

    [GeneratedRegex("%([^%]+)%", RegexOptions.CultureInvariant)]
    private static partial Regex SettingToken();

    public IEnumerable<BindingDefinition> Inputs => Bindings.Where(b =>
        string.Equals(b.Direction, "in", StringComparison.OrdinalIgnoreCase) && !b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));
}

/// <summary>The queue settings of host.json <c>extensions.queues</c>, with the real host's defaults.</summary>
internal sealed record QueueSettings(
    int BatchSize,
    int NewBatchThreshold,
    TimeSpan MaxPollingInterval,
    TimeSpan VisibilityTimeout,
    int MaxDequeueCount,
    bool Base64Encoding)
{
    public static QueueSettings Read(JsonObject? queues)
    {
        int batchSize = Int(queues, "batchSize") ?? 16;
        if (batchSize is < 1 or > 32)
        {
            throw new InvalidDataException($"host.json extensions.queues.batchSize must be 1–32 (got {batchSize}).");
        }

        TimeSpan polling = Span(queues, "maxPollingInterval") ?? TimeSpan.FromMinutes(1);
        return new QueueSettings(
            batchSize,
            Int(queues, "newBatchThreshold") ?? (batchSize / 2 * Environment.ProcessorCount),
            polling < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : polling,
            Span(queues, "visibilityTimeout") ?? TimeSpan.Zero,
            Int(queues, "maxDequeueCount") ?? 5,
            !string.Equals(Str(queues, "messageEncoding"), "none", StringComparison.OrdinalIgnoreCase));
    }

    private static int? Int(JsonObject? queues, string name) => HostJsonOverrides.Int(queues, name, "extensions.queues");

    private static string? Str(JsonObject? queues, string name) => HostJsonOverrides.Text(queues, name);

    private static TimeSpan? Span(JsonObject? queues, string name) =>
        Str(queues, name) is { } text ? TimeSpan.Parse(text, CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// A dotnet-isolated function app folder (a worker's build or publish output): <c>host.json</c> for the
/// route prefix, queue settings, function timeout and log levels (with <c>AzureFunctionsJobHost__…</c> app settings
/// overriding it, <see cref="HostJsonOverrides"/>), <c>worker.config.json</c> for how to start the worker.
/// The functions themselves come from the worker (worker indexing).
/// </summary>
internal sealed record AppDefinition(
    string Root,
    string ExecutablePath,
    string WorkerPath,
    string RoutePrefix,
    QueueSettings Queues,
    TimeSpan FunctionTimeout,
    IReadOnlyDictionary<string, LogLevel> LogLevels)
{
    /// <summary>The worker assembly's name (build outputs are named after it).</summary>
    public string Name => Path.GetFileNameWithoutExtension(WorkerPath);

    /// <summary>
    /// The level the host logs a function's invocations at or above, from host.json <c>logging.logLevel</c> as the real
    /// host reads it: the most specific of <c>Function.NAME</c>, <c>Function</c> and <c>default</c> (else Information).
    /// </summary>
    public LogLevel InvocationLogLevel(string function) =>
        LogLevels.TryGetValue("Function." + function, out LogLevel named) ? named
        : LogLevels.TryGetValue("Function", out LogLevel functions) ? functions
        : LogLevels.TryGetValue("default", out LogLevel fallback) ? fallback
        : LogLevel.Information;

    /// <summary>The app in <paramref name="root"/>; <paramref name="values"/> are its app settings (their overrides of host.json apply, as do the environment's).</summary>
    public static AppDefinition Load(string root, IReadOnlyDictionary<string, string>? values = null)
    {
        root = Path.GetFullPath(root);
        string hostPath = Path.Combine(root, "host.json");
        string workerPath = Path.Combine(root, "worker.config.json");
        if (!File.Exists(hostPath))
        {
            throw new InvalidDataException($"{root} is not a function app: host.json is missing.");
        }

        if (!File.Exists(workerPath))
        {
            throw new InvalidDataException($"{root} is not a dotnet-isolated function app: worker.config.json is missing (build the app first).");
        }

        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using JsonDocument worker = JsonDocument.Parse(File.ReadAllText(workerPath), options);
        JsonElement description = worker.RootElement.TryGetProperty("description", out JsonElement d) ? d : default;
        string executable = Text(description, "defaultExecutablePath") ?? "dotnet";
        string assembly = Text(description, "defaultWorkerPath")
            ?? throw new InvalidDataException($"{workerPath}: description.defaultWorkerPath is required.");

        JsonObject host = HostJsonOverrides.Load(hostPath, values ?? new Dictionary<string, string>());
        JsonObject? extensions = host["extensions"] as JsonObject;
        string routePrefix = HostJsonOverrides.Text(extensions?["http"] as JsonObject, "routePrefix") ?? "api";
        TimeSpan timeout = HostJsonOverrides.Text(host, "functionTimeout") is { } t
            ? TimeSpan.Parse(t, CultureInfo.InvariantCulture)
            : TimeSpan.FromMinutes(30);
        return new AppDefinition(root, executable, assembly, routePrefix.Trim('/'), QueueSettings.Read(extensions?["queues"] as JsonObject), timeout, LogLevelsOf(host, hostPath));
    }

    private static Dictionary<string, LogLevel> LogLevelsOf(JsonObject host, string hostPath)
    {
        var levels = new Dictionary<string, LogLevel>(StringComparer.OrdinalIgnoreCase);
        if ((host["logging"] as JsonObject)?["logLevel"] is JsonObject logLevel)
        {
            foreach (string name in logLevel.Select(p => p.Key).ToList())
            {
                levels[name] = HostJsonOverrides.Text(logLevel, name) is { } text && Enum.TryParse(text, ignoreCase: true, out LogLevel level) && Enum.IsDefined(level)
                    ? level
                    : throw new InvalidDataException($"{hostPath}: logging.logLevel.{name} must be Trace, Debug, Information, Warning, Error, Critical or None.");
            }
        }

        return levels;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>Source-generated JSON for the host's own documents.</summary>
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string))]
internal sealed partial class HostJsonContext : JsonSerializerContext;
