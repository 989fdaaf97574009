using System.Globalization;
using System.Text.Json;

namespace LocalFunctionsHost;

/// <summary>One binding of a function, as written in its <c>function.json</c>.</summary>
internal sealed record BindingDefinition(string Type, string Direction, string Name, JsonElement Raw)
{
    public string? GetString(string property) =>
        Raw.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public bool GetBool(string property, bool fallback) =>
        Raw.TryGetProperty(property, out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;

    public bool IsBinary => string.Equals(GetString("dataType"), "binary", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A function: its folder name and bindings; the trigger is the one binding whose type ends in "Trigger".</summary>
internal sealed record FunctionDefinition(string Name, IReadOnlyList<BindingDefinition> Bindings)
{
    public BindingDefinition Trigger => Bindings.Single(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));

    public IEnumerable<BindingDefinition> Outputs => Bindings.Where(b => string.Equals(b.Direction, "out", StringComparison.OrdinalIgnoreCase));

    /// <summary>Forwarding applies only to functions with exactly one httpTrigger and one http output (the real host's rule).</summary>
    public bool IsHttpInAndOut =>
        Bindings.Count == 2
        && Bindings.Count(b => string.Equals(b.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase)) == 1
        && Bindings.Count(b => string.Equals(b.Type, "http", StringComparison.OrdinalIgnoreCase)) == 1;
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
    public static QueueSettings Read(JsonElement? queues)
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

    private static int? Int(JsonElement? e, string name) =>
        e is { } o && o.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    private static string? Str(JsonElement? e, string name) =>
        e is { } o && o.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static TimeSpan? Span(JsonElement? e, string name) =>
        Str(e, name) is { } text ? TimeSpan.Parse(text, CultureInfo.InvariantCulture) : null;
}

/// <summary>A function app folder: host.json (<c>customHandler</c>, <c>extensions</c>) and one folder per function.</summary>
internal sealed record AppDefinition(
    string Root,
    string ExecutablePath,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    bool EnableForwardingHttpRequest,
    string RoutePrefix,
    QueueSettings Queues,
    TimeSpan FunctionTimeout,
    IReadOnlyList<FunctionDefinition> Functions)
{
    /// <summary>The handler executable's name when it sits in the app root (build outputs are named by framework), else the folder's.</summary>
    public string Name => File.Exists(Path.Combine(Root, ExecutablePath))
        ? Path.GetFileNameWithoutExtension(ExecutablePath)
        : Path.GetFileName(Root.TrimEnd(Path.DirectorySeparatorChar));

    public static AppDefinition Load(string root)
    {
        root = Path.GetFullPath(root);
        string hostPath = Path.Combine(root, "host.json");
        if (!File.Exists(hostPath))
        {
            throw new InvalidDataException($"{root} is not a function app: host.json is missing.");
        }

        using JsonDocument host = JsonDocument.Parse(File.ReadAllText(hostPath), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        JsonElement rootElement = host.RootElement;
        if (!(rootElement.TryGetProperty("customHandler", out JsonElement handler) || rootElement.TryGetProperty("httpWorker", out handler))
            || !handler.TryGetProperty("description", out JsonElement description))
        {
            throw new InvalidDataException($"{hostPath} has no customHandler.description.");
        }

        string executable = description.TryGetProperty("defaultExecutablePath", out JsonElement exe) ? exe.GetString() ?? string.Empty : string.Empty;
        if (executable.Length == 0)
        {
            throw new InvalidDataException($"{hostPath}: customHandler.description.defaultExecutablePath is required.");
        }

        string[] arguments = description.TryGetProperty("arguments", out JsonElement args)
            ? args.EnumerateArray().Select(a => a.GetString() ?? string.Empty).ToArray()
            : [];
        string workingDirectory = description.TryGetProperty("workingDirectory", out JsonElement wd) && !string.IsNullOrEmpty(wd.GetString())
            ? Path.GetFullPath(Path.Combine(root, wd.GetString()!))
            : root;
        bool forwarding = handler.TryGetProperty("enableForwardingHttpRequest", out JsonElement fwd) && fwd.ValueKind == JsonValueKind.True;

        JsonElement? extensions = rootElement.TryGetProperty("extensions", out JsonElement ext) ? ext : null;
        string routePrefix = extensions is { } e1 && e1.TryGetProperty("http", out JsonElement http) && http.TryGetProperty("routePrefix", out JsonElement prefix)
            ? prefix.GetString() ?? "api"
            : "api";
        JsonElement? queues = extensions is { } e2 && e2.TryGetProperty("queues", out JsonElement q) ? q : null;
        TimeSpan timeout = rootElement.TryGetProperty("functionTimeout", out JsonElement ft) && ft.GetString() is { } t
            ? TimeSpan.Parse(t, CultureInfo.InvariantCulture)
            : TimeSpan.FromMinutes(30);

        var functions = new List<FunctionDefinition>();
        foreach (string folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            string functionJson = Path.Combine(folder, "function.json");
            if (File.Exists(functionJson))
            {
                functions.Add(LoadFunction(Path.GetFileName(folder), functionJson));
            }
        }

        return new AppDefinition(root, executable, arguments, workingDirectory, forwarding, routePrefix.Trim('/'), QueueSettings.Read(queues), timeout, functions);
    }

    private static FunctionDefinition LoadFunction(string name, string path)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        var bindings = new List<BindingDefinition>();
        foreach (JsonElement binding in doc.RootElement.GetProperty("bindings").EnumerateArray())
        {
            string type = binding.GetProperty("type").GetString() ?? throw new InvalidDataException($"{path}: a binding has no type.");
            string direction = binding.TryGetProperty("direction", out JsonElement d) ? d.GetString() ?? "in" : "in";
            string bindingName = binding.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? "$return" : "$return";
            bindings.Add(new BindingDefinition(type, direction, bindingName, binding.Clone()));
        }

        if (bindings.Count(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase)) != 1)
        {
            throw new InvalidDataException($"{path}: a function needs exactly one trigger binding.");
        }

        return new FunctionDefinition(name, bindings);
    }
}
