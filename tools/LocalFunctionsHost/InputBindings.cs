using System.Text.Json.Nodes;
using Azure;
using Google.Protobuf;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;

namespace LocalFunctionsHost;

/// <summary>
/// Adds a function's blob input bindings to an InvocationRequest: for SDK-type and deferred parameters
/// (<c>supportsDeferredBinding</c>) model binding data the worker resolves itself
/// (<c>{"Connection","ContainerName","BlobName"}</c>, source <c>AzureStorageBlobs</c>), otherwise the blob's
/// content (text for <c>dataType: String</c>, else bytes; nothing when it does not exist). A
/// <c>durableClient</c> binding gets the task hub's client JSON (<paramref name="durableClient"/>).
/// </summary>
internal sealed class InputBindings(LocalSettings settings, Func<string?>? durableClient = null)
{
    public const string BlobSource = "AzureStorageBlobs";

    public async Task AddAsync(FunctionDefinition function, InvocationRequest request, IReadOnlyDictionary<string, string> bindingValues, CancellationToken cancellationToken)
    {
        foreach (BindingDefinition binding in function.Inputs.Where(b => string.Equals(b.Type, "durableClient", StringComparison.OrdinalIgnoreCase)))
        {
            string payload = durableClient?.Invoke() ?? throw new InvalidDataException($"Function '{function.Name}' has a durable client binding but the app has no running task hub.");
            request.InputData.Add(new ParameterBinding { Name = binding.Name, Data = new TypedData { String = payload } });
        }

        foreach (BindingDefinition binding in function.Inputs.Where(b => string.Equals(b.Type, "blob", StringComparison.OrdinalIgnoreCase)))
        {
            (string container, string name) = OutputBindings.BlobPath(binding, bindingValues);
            TypedData data = binding.SupportsDeferredBinding
                ? BlobReference(binding.GetString("connection"), container, name)
                : await ReadAsync(binding, container, name, cancellationToken);
            request.InputData.Add(new ParameterBinding { Name = binding.Name, Data = data });
        }
    }

    /// <summary>Model binding data naming a blob, as the host's blob extension sends it.</summary>
    public static TypedData BlobReference(string? connection, string container, string name)
    {
        var content = new JsonObject
        {
            ["Connection"] = string.IsNullOrEmpty(connection) ? "AzureWebJobsStorage" : connection,
            ["ContainerName"] = container,
            ["BlobName"] = name,
        };
        return new TypedData
        {
            ModelBindingData = new ModelBindingData
            {
                Version = "1.0",
                Source = BlobSource,
                ContentType = "application/json",
                Content = ByteString.CopyFromUtf8(content.ToJsonString()),
            },
        };
    }

    private async Task<TypedData> ReadAsync(BindingDefinition binding, string container, string name, CancellationToken cancellationToken)
    {
        try
        {
            BinaryData content = (await StorageClients.Container(settings.Connection(binding.GetString("connection")), container)
                .GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content;
            return string.Equals(binding.GetString("dataType"), "string", StringComparison.OrdinalIgnoreCase)
                ? new TypedData { String = content.ToString() }
                : new TypedData { Bytes = OutputBindings.Bytes(content) };
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new TypedData();
        }
    }
}
