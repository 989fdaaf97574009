using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>
/// A blob trigger by polling (the host's scan mode, without the storage logs): every second the container is
/// listed under the path's literal prefix; a blob whose name fits the path (<c>container/{name}</c>,
/// <c>container/in/{name}.csv</c>) and whose ETag has no receipt yet is invoked once. Receipts live in
/// <c>azure-webjobs-hosts/blobreceipts/{hostId}/{function}/{container}/{blob}</c> with the ETag they are
/// for, so an unchanged blob does not run again after a restart and a rewritten one does. After
/// <c>maxDequeueCount</c> failed attempts the blob gets a receipt and a message in
/// <c>webjobs-blobtrigger-poison</c>.
/// </summary>
internal sealed class BlobTrigger
{
    public const string PoisonQueue = "webjobs-blobtrigger-poison";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private readonly FunctionDefinition _function;
    private readonly FunctionInvoker _invoker;
    private readonly LocalSettings _settings;
    private readonly QueueSettings _queues;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly string _connection;
    private readonly string _container;
    private readonly string _prefix;
    private readonly Regex _pattern;
    private readonly BlobContainerClient _receipts;
    private readonly string _receiptPrefix;
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    public BlobTrigger(FunctionDefinition function, FunctionInvoker invoker, LocalSettings settings, QueueSettings queues, string hostId, TimeProvider clock, ILogger logger)
    {
        _function = function;
        _invoker = invoker;
        _settings = settings;
        _queues = queues;
        _clock = clock;
        _logger = logger;
        string path = function.Trigger.GetString("path") ?? throw new InvalidDataException($"Blob trigger '{function.Name}' has no path.");
        int slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || path.IndexOf('{', StringComparison.Ordinal) is int brace && brace >= 0 && brace < slash)
        {
            throw new InvalidDataException($"Blob trigger '{function.Name}': the path '{path}' must start with a fixed container name.");
        }

        _container = path[..slash];
        string blobPattern = path[(slash + 1)..];
        int firstBrace = blobPattern.IndexOf('{', StringComparison.Ordinal);
        _prefix = firstBrace < 0 ? blobPattern : blobPattern[..firstBrace];
        _pattern = Pattern(blobPattern);
        _connection = settings.Connection(function.Trigger.GetString("connection"));
        _receipts = StorageClients.Container(settings.StorageConnectionString, ScheduleMonitor.Container);
        _receiptPrefix = $"blobreceipts/{hostId}/{function.Name}/{_container}/";
    }

    /// <summary><c>{name}</c> captures up to the next literal; the last one may span folders.</summary>
    private static Regex Pattern(string blobPattern)
    {
        string expression = Regex.Replace(
            Regex.Escape(blobPattern).Replace(@"\{", "{", StringComparison.Ordinal),
            @"\{([A-Za-z_][A-Za-z0-9_]*)}",
            m => $"(?<{m.Groups[1].Value}>.+?)");
        return new Regex("^" + expression + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        BlobContainerClient container = StorageClients.Container(_connection, _container);
        await container.CreateIfNotExistsAsync(cancellationToken: stopping);
        await _receipts.CreateIfNotExistsAsync(cancellationToken: stopping);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await foreach (BlobItem blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, _prefix, stopping))
                {
                    if (_pattern.Match(blob.Name) is { Success: true } match && !await HasReceiptAsync(blob, stopping))
                    {
                        await ProcessAsync(blob, match, stopping);
                    }
                }
            }
            catch (RequestFailedException e)
            {
                Log.PollFailed(_logger, _container, e.Message);
            }

            await Task.Delay(PollInterval, _clock, stopping);
        }
    }

    private async Task<bool> HasReceiptAsync(BlobItem blob, CancellationToken cancellationToken)
    {
        try
        {
            BlobProperties receipt = await _receipts.GetBlobClient(_receiptPrefix + blob.Name).GetPropertiesAsync(cancellationToken: cancellationToken);
            return receipt.Metadata.TryGetValue("ETag", out string? etag) && etag == blob.Properties.ETag?.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private async Task ProcessAsync(BlobItem blob, Match match, CancellationToken stopping)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["BlobTrigger"] = $"{_container}/{blob.Name}" };
        foreach (Group group in match.Groups.Cast<Group>().Where(g => g.Success && !int.TryParse(g.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            values[group.Name] = group.Value;
        }

        InvocationRequest request = FunctionInvoker.NewRequest(_function);
        TypedData data = _function.Trigger.SupportsDeferredBinding
            ? InputBindings.BlobReference(_function.Trigger.GetString("connection"), _container, blob.Name)
            : await ContentAsync(blob.Name, stopping);
        request.InputData.Add(new ParameterBinding { Name = _function.Trigger.Name, Data = data });
        foreach ((string name, string value) in values)
        {
            request.TriggerMetadata[name] = new TypedData { String = value };
        }

        string etag = blob.Properties.ETag?.ToString() ?? string.Empty;
        string key = blob.Name + "|" + etag;
        try
        {
            await _invoker.InvokeAsync(_function, request, $"New blob detected: {_container}/{blob.Name}", values, stopping);
            _failures.Remove(key);
            await WriteReceiptAsync(blob.Name, etag, stopping);
        }
        catch (InvocationFailedException)
        {
            int failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
            if (failures >= _queues.MaxDequeueCount)
            {
                _failures.Remove(key);
                await PoisonAsync(blob.Name, etag, stopping);
                await WriteReceiptAsync(blob.Name, etag, stopping);
            }
        }
    }

    private async Task<TypedData> ContentAsync(string name, CancellationToken cancellationToken)
    {
        BinaryData content = (await StorageClients.Container(_connection, _container).GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content;
        return string.Equals(_function.Trigger.GetString("dataType"), "string", StringComparison.OrdinalIgnoreCase)
            ? new TypedData { String = content.ToString() }
            : new TypedData { Bytes = OutputBindings.Bytes(content) };
    }

    private Task WriteReceiptAsync(string name, string etag, CancellationToken cancellationToken) =>
        _receipts.GetBlobClient(_receiptPrefix + name).UploadAsync(
            BinaryData.Empty,
            new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["ETag"] = etag } },
            cancellationToken);

    private async Task PoisonAsync(string name, string etag, CancellationToken cancellationToken)
    {
        var poison = StorageClients.Queue(_settings.StorageConnectionString, PoisonQueue, _queues.Base64Encoding);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var message = new JsonObject
        {
            ["Type"] = "BlobTrigger",
            ["FunctionId"] = _function.Name,
            ["BlobType"] = "BlockBlob",
            ["ContainerName"] = _container,
            ["BlobName"] = name,
            ["ETag"] = etag,
        };
        await poison.SendMessageAsync(message.ToJsonString(), cancellationToken);
        Log.Poisoned(_logger, name, _container, _queues.MaxDequeueCount, PoisonQueue);
    }
}
