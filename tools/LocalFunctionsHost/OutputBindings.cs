using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using Google.Protobuf;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;

namespace LocalFunctionsHost;

/// <summary>
/// Writes a function's queue and blob outputs from the InvocationResponse: <c>$return</c> from
/// <c>return_value</c>, the others from <c>output_data</c> by binding name. A string is one queue message
/// (its text, as sent), bytes are one binary message, a collection or JSON array one message per element.
/// </summary>
internal sealed partial class OutputBindings(LocalSettings settings, QueueSettings queueSettings)
{
    [GeneratedRegex(@"\{([^{}]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    public async Task WriteAsync(FunctionDefinition function, InvocationResult result, IReadOnlyDictionary<string, string> bindingValues, CancellationToken cancellationToken)
    {
        foreach (BindingDefinition binding in function.Outputs)
        {
            TypedData? value = binding.Name == "$return" ? result.ReturnValue
                : result.Outputs.TryGetValue(binding.Name, out TypedData? v) ? v : null;
            if (value is null || value.DataCase == TypedData.DataOneofCase.None)
            {
                continue;
            }

            switch (binding.Type.ToLowerInvariant())
            {
                case "queue":
                    await WriteQueueAsync(binding, value, cancellationToken);
                    break;
                case "blob":
                    await WriteBlobAsync(binding, value, bindingValues, cancellationToken);
                    break;
            }
        }
    }

    private async Task WriteQueueAsync(BindingDefinition binding, TypedData value, CancellationToken cancellationToken)
    {
        string queueName = binding.GetString("queueName") ?? throw new InvalidDataException($"Queue output '{binding.Name}' has no queueName.");
        QueueClient queue = StorageClients.Queue(settings.Connection(binding.GetString("connection")), queueName, queueSettings.Base64Encoding);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        foreach (BinaryData message in Messages(value))
        {
            await queue.SendMessageAsync(message, cancellationToken: cancellationToken);
        }
    }

    internal static IEnumerable<BinaryData> Messages(TypedData value)
    {
        switch (value.DataCase)
        {
            case TypedData.DataOneofCase.CollectionString:
                return value.CollectionString.String.Select(BinaryData.FromString);
            case TypedData.DataOneofCase.CollectionBytes:
                return value.CollectionBytes.Bytes.Select(b => BinaryData.FromBytes(b.ToByteArray()));
            case TypedData.DataOneofCase.Json:
                using (JsonDocument json = JsonDocument.Parse(value.Json))
                {
                    return json.RootElement.ValueKind == JsonValueKind.Array
                        ? json.RootElement.EnumerateArray().Select(e => BinaryData.FromString(e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())).ToList()
                        : [BinaryData.FromString(value.Json)];
                }

            default:
                return [Payload(value)];
        }
    }

    private async Task WriteBlobAsync(BindingDefinition binding, TypedData value, IReadOnlyDictionary<string, string> bindingValues, CancellationToken cancellationToken)
    {
        (string container, string name) = BlobPath(binding, bindingValues);
        var client = StorageClients.Container(settings.Connection(binding.GetString("connection")), container);
        await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await client.GetBlobClient(name).UploadAsync(Payload(value), overwrite: true, cancellationToken);
    }

    /// <summary>A binding's <c>blobPath</c> (or <c>path</c>) with its expressions resolved, split into container and blob name.</summary>
    internal static (string Container, string Name) BlobPath(BindingDefinition binding, IReadOnlyDictionary<string, string> bindingValues)
    {
        string template = binding.GetString("blobPath") ?? binding.GetString("path")
            ?? throw new InvalidDataException($"Blob binding '{binding.Name}' has no path.");
        string path = ResolvePath(template, bindingValues);
        int slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 ? throw new InvalidDataException($"Blob path '{path}' must be container/name.") : (path[..slash], path[(slash + 1)..]);
    }

    /// <summary>The bytes of a single value: text as UTF-8, bytes as they are, JSON as its text.</summary>
    internal static BinaryData Payload(TypedData value) => value.DataCase switch
    {
        TypedData.DataOneofCase.String => BinaryData.FromString(value.String),
        TypedData.DataOneofCase.Json => BinaryData.FromString(value.Json),
        TypedData.DataOneofCase.Bytes => BinaryData.FromBytes(value.Bytes.ToByteArray()),
        TypedData.DataOneofCase.Stream => BinaryData.FromBytes(value.Stream.ToByteArray()),
        TypedData.DataOneofCase.Int => BinaryData.FromString(value.Int.ToString(CultureInfo.InvariantCulture)),
        TypedData.DataOneofCase.Double => BinaryData.FromString(value.Double.ToString(CultureInfo.InvariantCulture)),
        _ => throw new InvalidDataException($"An output of kind {value.DataCase} cannot be written to storage."),
    };

    /// <summary>Resolves <c>{name}</c> from the trigger's values, plus <c>{rand-guid}</c> and <c>{DateTime}</c>.</summary>
    internal static string ResolvePath(string template, IReadOnlyDictionary<string, string> bindingValues) =>
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

            return bindingValues.TryGetValue(name, out string? value)
                ? value
                : throw new InvalidDataException($"Binding expression '{{{name}}}' has no value for this trigger.");
        });

    internal static ByteString Bytes(BinaryData data) => ByteString.CopyFrom(data.ToMemory().Span);
}
