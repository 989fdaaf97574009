using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LocalFunctionsHost.Durable;

/// <summary>
/// An app's task hub, from host.json <c>extensions.durableTask</c> as Durable Functions reads it (names and defaults
/// from "host.json settings for Durable Functions",
/// https://learn.microsoft.com/azure/azure-functions/durable-functions/durable-functions-host-json-settings), with
/// <c>AzureFunctionsJobHost__extensions__durableTask__…</c> app settings overriding the file as the Functions host
/// lets them (<see cref="HostJsonOverrides"/>):
/// <c>hubName</c> (default <c>TestHubName</c>, what Durable Functions uses when no site name is set; a
/// <c>%SETTING%</c> is read from the app settings, as Durable Functions allows) and, under <c>storageProvider</c>,
/// <c>partitionCount</c> (default 4), <c>maxQueuePollingInterval</c> (default 30 s, the longest an idle hub waits
/// before it looks at its queues again), <c>controlQueueVisibilityTimeout</c> and
/// <c>workItemQueueVisibilityTimeout</c> (default 5 min each: how long a dequeued orchestration or activity message
/// stays hidden, so how long a message held by a host that went away waits before another host takes it).
/// </summary>
internal sealed partial record TaskHubSettings(
    string HubName,
    int PartitionCount,
    TimeSpan MaxQueuePollingInterval,
    TimeSpan ControlQueueVisibilityTimeout,
    TimeSpan WorkItemQueueVisibilityTimeout)
{
    public const string DefaultHubName = "TestHubName";

    private const string StorageSection = "extensions.durableTask.storageProvider.";

    public static TaskHubSettings Load(string appRoot, LocalSettings settings) =>
        From(HostJsonOverrides.Load(Path.Combine(appRoot, "host.json"), settings), settings);

    /// <summary>The task hub of <paramref name="host"/> (host.json with its overrides applied).</summary>
    internal static TaskHubSettings From(JsonObject host, LocalSettings settings)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(settings);
        JsonObject? durable = (host["extensions"] as JsonObject)?["durableTask"] as JsonObject;
        JsonObject? storage = durable?["storageProvider"] as JsonObject;

        string hubName = Text(durable, "hubName") ?? DefaultHubName;
        if (hubName.Length > 2 && hubName[0] == '%' && hubName[^1] == '%')
        {
            string setting = hubName[1..^1];
            hubName = settings.Values.TryGetValue(setting, out string? value) && value.Length > 0
                ? value
                : throw new InvalidDataException($"host.json extensions.durableTask.hubName names the setting '{setting}', which is not in local.settings.json Values.");
        }

        if (!HubNamePattern().IsMatch(hubName))
        {
            throw new InvalidDataException($"host.json extensions.durableTask.hubName must be 3–45 letters and digits starting with a letter (Azure Storage task hubs name tables and queues after it); it is '{hubName}'.");
        }

        int partitions = Number(storage, "partitionCount") ?? 4;
        if (partitions is < 1 or > 16)
        {
            throw new InvalidDataException($"host.json {StorageSection}partitionCount must be 1–16; it is {partitions}.");
        }

        return new TaskHubSettings(
            hubName,
            partitions,
            Span(storage, "maxQueuePollingInterval", TimeSpan.FromSeconds(30)),
            Span(storage, "controlQueueVisibilityTimeout", TimeSpan.FromMinutes(5)),
            Span(storage, "workItemQueueVisibilityTimeout", TimeSpan.FromMinutes(5)));
    }

    private static string? Text(JsonObject? section, string name) =>
        section?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>A whole number, written as a JSON number (host.json) or as text (an overriding app setting).</summary>
    private static int? Number(JsonObject? section, string name)
    {
        if (section?[name] is not JsonValue value)
        {
            return null;
        }

        if (value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out int number))
        {
            return number;
        }

        return Text(section, name) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed)
            ? parsed
            : throw new InvalidDataException($"host.json {StorageSection}{name} must be a whole number; it is {value.ToJsonString()}.");
    }

    private static TimeSpan Span(JsonObject? section, string name, TimeSpan fallback)
    {
        if (section?[name] is null)
        {
            return fallback;
        }

        string? text = Text(section, name);
        return text is not null && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan span) && span > TimeSpan.Zero
            ? span
            : throw new InvalidDataException($"host.json {StorageSection}{name} must be a positive time span such as 00:05:00; it is {section[name]!.ToJsonString()}.");
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,44}$", RegexOptions.CultureInvariant)]
    private static partial Regex HubNamePattern();
}
