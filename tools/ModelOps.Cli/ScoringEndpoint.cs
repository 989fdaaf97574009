using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelOps.Cli;

/// <summary>
/// Where <c>modelops score</c> sends rows, and the function key it sends: <c>--url</c>/<c>--key</c>, else the
/// environment (<see cref="UrlVariable"/>, <see cref="KeyVariable"/>), else the local stack's <c>.modelops/stack.json</c>
/// and the key in the settings file it points to. The key is never printed.
/// </summary>
internal sealed record ScoringEndpoint(Uri Url, string Key)
{
    public const string UrlVariable = "MODELOPS_SCORING_URL";
    public const string KeyVariable = "MODELOPS_SCORING_KEY";

    /// <summary>Hides the key when a record is printed or logged.</summary>
    public override string ToString() => Url.ToString();

    /// <summary>Resolves the endpoint; <see cref="CliUsageException"/> naming the option when neither is found.</summary>
    public static ScoringEndpoint Resolve(string? url, string? key, string startFolder)
    {
        url ??= Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } u ? u : null;
        key ??= Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } k ? k : null;
        if (url is null || key is null)
        {
            (string StackUrl, string StackKey)? stack = FromStack(startFolder);
            if (stack is null && url is null)
            {
                throw new CliUsageException($"--url: no scoring app given; pass --url (or set {UrlVariable}), or run 'modelops up' for a local stack.");
            }

            if (stack is { } s && (url is null || SameOrigin(url, s.StackUrl)))
            {
                url ??= s.StackUrl;
                key ??= s.StackKey;
            }
        }

        if (key is null)
        {
            throw new CliUsageException($"--key: the scoring app needs a function key; pass --key or set {KeyVariable}.");
        }

        return Uri.TryCreate(url, UriKind.Absolute, out Uri? address) && (address.Scheme == Uri.UriSchemeHttp || address.Scheme == Uri.UriSchemeHttps)
            ? new ScoringEndpoint(address, key)
            : throw new CliUsageException($"--url: '{url}' is not an http or https address.");
    }

    /// <summary>The local stack's Scoring address and function key, when a stack file is found above <paramref name="startFolder"/>.</summary>
    private static (string Url, string Key)? FromStack(string startFolder)
    {
        for (DirectoryInfo? dir = new(startFolder); dir is not null; dir = dir.Parent)
        {
            string file = Path.Combine(dir.FullName, ".modelops", "stack.json");
            if (!File.Exists(file))
            {
                continue;
            }

            StackFile stack = JsonSerializer.Deserialize(File.ReadAllText(file), CliJsonContext.Default.StackFile)
                ?? throw new InvalidDataException($"{file} is empty.");
            JsonNode? node = JsonNode.Parse(File.ReadAllText(stack.SettingsFile));
            foreach (string part in stack.Secrets.FunctionKey.Split('.'))
            {
                node = node?[part];
            }

            return node?.GetValue<string>() is { Length: > 0 } functionKey
                ? (stack.ScoringUrl, functionKey)
                : throw new InvalidDataException($"The local stack's settings file has no {stack.Secrets.FunctionKey}; run 'modelops up' again.");
        }

        return null;
    }

    private static bool SameOrigin(string a, string b) =>
        Uri.TryCreate(a, UriKind.Absolute, out Uri? x) && Uri.TryCreate(b, UriKind.Absolute, out Uri? y)
        && Uri.Compare(x, y, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
