using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using ModelOps.Registry.Promotion;

namespace ModelOps.Storage.Promotion;

/// <summary>
/// Promotion records as JSON blobs named <c>{requestId}.json</c> in one container (a record carries ROC curves, too
/// large for a table property). A save replaces the request's record: the flow writes it from one activity at a time.
/// </summary>
public sealed class BlobPromotionRecords(BlobContainerClient container) : IPromotionRecords
{
    /// <summary>The default container name.</summary>
    public const string DefaultContainerName = "promotions";

    private volatile bool _containerReady;

    public async Task SaveAsync(PromotionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureContainerAsync(cancellationToken);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(record, PromotionJsonContext.Default.PromotionRecord);
        await container.GetBlobClient(record.Request.Id + ".json").UploadAsync(new BinaryData(json), overwrite: true, cancellationToken);
    }

    public async Task<PromotionRecord?> GetAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        try
        {
            BinaryData content = (await container.GetBlobClient(requestId + ".json").DownloadContentAsync(cancellationToken)).Value.Content;
            return JsonSerializer.Deserialize(content.ToMemory().Span, PromotionJsonContext.Default.PromotionRecord);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (!_containerReady)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerReady = true;
        }
    }
}

/// <summary>
/// A model's recent labelled rows as the CSV blob <c>{model}.csv</c> in one container (default <c>labelled-rows</c>),
/// written by champion–challenger when it requests a promotion (the rows it compared on) or uploaded by a person.
/// </summary>
public sealed class BlobLabelledRows(BlobContainerClient container) : ILabelledRows
{
    /// <summary>The default container name.</summary>
    public const string DefaultContainerName = "labelled-rows";

    /// <summary>The blob that holds <paramref name="model"/>'s rows.</summary>
    public static string BlobName(string model) => model + ".csv";

    public async Task<string?> ReadCsvAsync(string model, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        try
        {
            return (await container.GetBlobClient(BlobName(model)).DownloadContentAsync(cancellationToken)).Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task WriteCsvAsync(string model, string csv, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(csv);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await container.GetBlobClient(BlobName(model)).UploadAsync(BinaryData.FromString(csv), overwrite: true, cancellationToken);
    }

    public string Describe(string model) => $"blob '{BlobName(model)}' in container '{container.Name}'";
}
