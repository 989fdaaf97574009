using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace LocalFunctionsHost;

/// <summary>
/// Writes a function's queue and blob outputs from the handler's <c>Outputs</c>. For a queue, a string
/// is one message and an array one message per element; objects are written as JSON. As in the real
/// host, a string value of a binding whose <c>dataType</c> is not <c>binary</c> that parses as base64 is
/// decoded and written as bytes (the base64 trap, PLATFORM notes §1.3).
/// </summary>
internal sealed partial class OutputBindings(LocalSettings settings, QueueSettings queueSettings)
{
    [GeneratedRegex(@"\{([^{}]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    public async Task WriteAsync(FunctionDefinition function, InvocationResult result, IReadOnlyDictionary<string, string>? triggerValues, CancellationToken cancellationToken)
    {
        foreach (BindingDefinition binding in function.Outputs)
        {
            JsonElement? value = binding.Name == "$return" ? result.ReturnValue
                : result.Outputs.TryGetValue(binding.Name, out JsonElement v) ? v : null;
            if (value is not { } output || output.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            switch (binding.Type.ToLowerInvariant())
            {
                case "queue":
                    await WriteQueueAsync(binding, output, cancellationToken);
                    break;
                case "blob":
                    await WriteBlobAsync(binding, output, triggerValues, cancellationToken);
                    break;
            }
        }
    }

    private async Task WriteQueueAsync(BindingDefinition binding, JsonElement output, CancellationToken cancellationToken)
    {
        string queueName = binding.GetString("queueName") ?? throw new InvalidDataException($"Queue output '{binding.Name}' has no queueName.");
        var options = new QueueClientOptions { MessageEncoding = queueSettings.Base64Encoding ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None };
        var queue = new QueueClient(settings.Connection(binding.GetString("connection")), queueName, options);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        IEnumerable<JsonElement> messages = output.ValueKind == JsonValueKind.Array ? output.EnumerateArray() : [output];
        foreach (JsonElement message in messages)
        {
            await queue.SendMessageAsync(new BinaryData(Payload(binding, message)), cancellationToken: cancellationToken);
        }
    }

    private async Task WriteBlobAsync(BindingDefinition binding, JsonElement output, IReadOnlyDictionary<string, string>? triggerValues, CancellationToken cancellationToken)
    {
        string path = ResolvePath(binding.GetString("path") ?? throw new InvalidDataException($"Blob output '{binding.Name}' has no path."), triggerValues);
        int slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new InvalidDataException($"Blob output path '{path}' must be container/name.");
        }

        var container = new BlobContainerClient(settings.Connection(binding.GetString("connection")), path[..slash]);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await container.GetBlobClient(path[(slash + 1)..]).UploadAsync(new BinaryData(Payload(binding, output)), overwrite: true, cancellationToken);
    }

    internal static byte[] Payload(BindingDefinition binding, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return Encoding.UTF8.GetBytes(value.GetRawText());
        }

        string text = value.GetString()!;
        if (!binding.IsBinary && TryFromBase64(text, out byte[]? bytes))
        {
            return bytes;
        }

        return binding.IsBinary && TryFromBase64(text, out bytes) ? bytes : Encoding.UTF8.GetBytes(text);
    }

    private static bool TryFromBase64(string text, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    internal static string ResolvePath(string template, IReadOnlyDictionary<string, string>? triggerValues) =>
        Placeholder().Replace(template, m =>
        {
            string name = m.Groups[1].Value;
            if (string.Equals(name, "rand-guid", StringComparison.OrdinalIgnoreCase))
            {
                return Guid.NewGuid().ToString();
            }

            if (name.StartsWith("DateTime", StringComparison.OrdinalIgnoreCase))
            {
                return DateTime.UtcNow.ToString("yyyy-MM-ddTHH-mm-ssZ", CultureInfo.InvariantCulture);
            }

            return triggerValues is not null && triggerValues.TryGetValue(name, out string? value)
                ? value
                : throw new InvalidDataException($"Binding expression '{{{name}}}' has no value for this trigger.");
        });
}
