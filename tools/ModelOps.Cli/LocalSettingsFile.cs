using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelOps.Cli;

/// <summary>
/// The local settings of the stack: <c>.modelops/local.settings.json</c>, made on first run from the
/// repository's <c>local.settings.sample.json</c> with fresh random function and master keys, and kept
/// (git-ignored) so keys stay stable between runs.
/// </summary>
internal static class LocalSettingsFile
{
    public static async Task<(string FunctionKey, string MasterKey)> EnsureAsync(StackLayout layout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.StateFolder);
        if (!File.Exists(layout.SettingsFile))
        {
            JsonNode sample = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(layout.Root, "local.settings.sample.json"), cancellationToken))!;
            JsonObject host = sample["Host"] as JsonObject ?? [];
            sample["Host"] = host;
            host["MasterKey"] = NewKey();
            host["FunctionKeys"] = new JsonObject { ["default"] = NewKey() };
            await File.WriteAllTextAsync(layout.SettingsFile, sample.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        }

        JsonNode settings = JsonNode.Parse(await File.ReadAllTextAsync(layout.SettingsFile, cancellationToken))!;
        string functionKey = settings["Host"]?["FunctionKeys"]?["default"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"{layout.SettingsFile} has no Host.FunctionKeys.default.");
        string masterKey = settings["Host"]?["MasterKey"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"{layout.SettingsFile} has no Host.MasterKey.");
        return (functionKey, masterKey);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', '-').Replace('/', '_');
}
