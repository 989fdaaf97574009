using Azure;
using Azure.Storage.Blobs;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring;

namespace ModelOps.Storage.Monitoring;

/// <summary>Pipeline specs as JSON blobs named by model and spec hash (<c>specs/{model}/{sha256}.json</c>): write-once, like artifacts.</summary>
public sealed class BlobPipelineSpecStore(BlobContainerClient container) : IPipelineSpecStore
{
    /// <inheritdoc />
    public async Task<PipelineSpec?> FindAsync(string model, string specSha256, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(specSha256) || !specSha256.All(char.IsAsciiHexDigit)) return null;
        try
        {
            var content = await container.GetBlobClient(Name(model, specSha256)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return PipelineSpecJson.Parse(content.Value.Content.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task SaveAsync(string model, PipelineSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        BlobClient blob = container.GetBlobClient(Name(model, PipelineSpecJson.Hash(spec)));
        try
        {
            await blob.UploadAsync(BinaryData.FromString(PipelineSpecJson.Write(spec)), overwrite: false, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // The same hash is the same spec: already saved.
        }
    }

    private static string Name(string model, string sha256) => $"specs/{model}/{sha256.ToLowerInvariant()}.json";
}
