using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalFunctionsHost.TestApp;

/// <summary>
/// Appends one JSON line per invocation to the file named by the <c>RECORD_FILE</c> setting, so the
/// host's tests can see what each function received.
/// </summary>
internal static class Recorder
{
    private static readonly Lock Gate = new();

    public static void Record(string function, JsonObject data)
    {
        string? file = Environment.GetEnvironmentVariable("RECORD_FILE");
        if (string.IsNullOrEmpty(file))
        {
            return;
        }

        data["function"] = function;
        string line = data.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n";
        lock (Gate)
        {
            File.AppendAllText(file, line);
        }
    }

    /// <summary>The trigger metadata the host sent (binding data), as strings.</summary>
    public static JsonObject Metadata(IReadOnlyDictionary<string, object?> bindingData)
    {
        var metadata = new JsonObject();
        foreach (KeyValuePair<string, object?> item in bindingData)
        {
            metadata[item.Key] = item.Value?.ToString();
        }

        return metadata;
    }

    /// <summary>How many records the function has written with this <c>key</c> so far.</summary>
    public static int Count(string function, string key)
    {
        string? file = Environment.GetEnvironmentVariable("RECORD_FILE");
        if (string.IsNullOrEmpty(file))
        {
            return 0;
        }

        lock (Gate)
        {
            return File.ReadAllLines(file).Count(line => line.Length > 0
                && JsonNode.Parse(line) is JsonObject record
                && (string?)record["function"] == function
                && (string?)record["key"] == key);
        }
    }
}
