using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LocalFunctionsHost.Durable;

/// <summary>
/// An app's task hub, from host.json <c>extensions.durableTask</c> as Durable Functions reads it:
/// <c>hubName</c> (default <c>TestHubName</c>, what Durable Functions uses when no site name is set; a
/// <c>%SETTING%</c> is read from the app settings, as Durable Functions allows) and, under
/// <c>storageProvider</c>, <c>partitionCount</c> (default 4) and <c>maxQueuePollingInterval</c> (default 30 s,
/// the longest an idle hub waits before it looks at its queues again).
/// </summary>
internal sealed partial record TaskHubSettings(string HubName, int PartitionCount, TimeSpan MaxQueuePollingInterval)
{
    public const string DefaultHubName = "TestHubName";

    public static TaskHubSettings Load(string appRoot, LocalSettings settings)
    {
        string hostPath = Path.Combine(appRoot, "host.json");
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using JsonDocument host = JsonDocument.Parse(File.ReadAllText(hostPath), options);
        JsonElement durable = host.RootElement.TryGetProperty("extensions", out JsonElement e) && e.ValueKind == JsonValueKind.Object
            && e.TryGetProperty("durableTask", out JsonElement d) && d.ValueKind == JsonValueKind.Object ? d : default;
        JsonElement storage = durable.ValueKind == JsonValueKind.Object && durable.TryGetProperty("storageProvider", out JsonElement s) && s.ValueKind == JsonValueKind.Object ? s : default;

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

        int partitions = storage.ValueKind == JsonValueKind.Object && storage.TryGetProperty("partitionCount", out JsonElement p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 4;
        if (partitions is < 1 or > 16)
        {
            throw new InvalidDataException($"host.json extensions.durableTask.storageProvider.partitionCount must be 1–16; it is {partitions}.");
        }

        TimeSpan polling = Text(storage, "maxQueuePollingInterval") is { } text
            ? TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan t) && t > TimeSpan.Zero
                ? t
                : throw new InvalidDataException($"host.json extensions.durableTask.storageProvider.maxQueuePollingInterval must be a positive time span such as 00:00:30; it is '{text}'.")
            : TimeSpan.FromSeconds(30);
        return new TaskHubSettings(hubName, partitions, polling);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,44}$", RegexOptions.CultureInvariant)]
    private static partial Regex HubNamePattern();
}
