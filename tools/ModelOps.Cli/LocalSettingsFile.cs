using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelOps.Cli;

/// <summary>
/// The local settings of the stack: <c>.modelops/local.settings.json</c>, made on first run from the
/// repository's <c>local.settings.sample.json</c> with fresh random function and master keys, and kept
/// (git-ignored) so keys stay stable between runs. Settings the sample gained since are added on later
/// runs; secrets the sample leaves empty (names ending in <c>Key</c>) get 32 random bytes, base64. The worker
/// runtime always follows the sample (a file from the custom-handler days said <c>custom</c>).
/// </summary>
internal static class LocalSettingsFile
{
    /// <summary>Where in the file the function key, the master key and the audit key are (JSON paths).</summary>
    public const string FunctionKeyPath = "Host.FunctionKeys.default";

    /// <inheritdoc cref="FunctionKeyPath"/>
    public const string MasterKeyPath = "Host.MasterKey";

    /// <inheritdoc cref="FunctionKeyPath"/>
    public const string AuditKeyPath = "Values.Registry__AuditKey";

    private const string WorkerRuntime = "FUNCTIONS_WORKER_RUNTIME";

    public static async Task EnsureAsync(StackLayout layout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.StateFolder);
        JsonNode sample = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(layout.Root, "local.settings.sample.json"), cancellationToken))!;
        JsonNode settings;
        if (File.Exists(layout.SettingsFile))
        {
            settings = JsonNode.Parse(await File.ReadAllTextAsync(layout.SettingsFile, cancellationToken))!;
        }
        else
        {
            settings = sample.DeepClone();
            JsonObject host = settings["Host"] as JsonObject ?? [];
            settings["Host"] = host;
            host["MasterKey"] = NewKey();
            host["FunctionKeys"] = new JsonObject { ["default"] = NewKey() };
        }

        JsonObject values = settings["Values"] as JsonObject ?? [];
        settings["Values"] = values;
        foreach ((string name, JsonNode? value) in (sample["Values"] as JsonObject) ?? [])
        {
            if (values[name] is null || name == WorkerRuntime || (name.EndsWith("Key", StringComparison.Ordinal) && string.IsNullOrEmpty(values[name]!.GetValue<string>())))
            {
                string text = value?.GetValue<string>() ?? string.Empty;
                values[name] = name.EndsWith("Key", StringComparison.Ordinal) && text.Length == 0 ? NewSecret() : text;
            }
        }

        await File.WriteAllTextAsync(layout.SettingsFile, settings.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        if (settings["Host"]?["FunctionKeys"]?["default"] is null)
        {
            throw new InvalidOperationException($"{layout.SettingsFile} has no {FunctionKeyPath}.");
        }

        if (settings["Host"]?["MasterKey"] is null)
        {
            throw new InvalidOperationException($"{layout.SettingsFile} has no {MasterKeyPath}.");
        }
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', '-').Replace('/', '_');
}
