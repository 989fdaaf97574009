using System.Globalization;
using Azure.Storage.Blobs;

namespace ModelOps.Scoring.Payloads;

/// <summary>
/// Writes payload batches as JSONL blobs named <c>payloads/{model}/{yyyy}/{MM}/{dd}/{HH}/{time}-{id}.jsonl</c>:
/// write-once blobs, so concurrent instances never contend, and drift jobs read one hour by prefix.
/// </summary>
public sealed class BlobPayloadSink(BlobContainerClient container, TimeProvider clock) : IPayloadSink
{
    private readonly Lazy<Task> _created = new(() => container.CreateIfNotExistsAsync());

    /// <summary>The blob name prefix of one model's hour (what a drift job lists).</summary>
    public static string Prefix(string model, DateTimeOffset hour) =>
        string.Create(CultureInfo.InvariantCulture, $"payloads/{model}/{hour.UtcDateTime:yyyy}/{hour.UtcDateTime:MM}/{hour.UtcDateTime:dd}/{hour.UtcDateTime:HH}/");

    /// <inheritdoc />
    public async Task WriteAsync(string model, DateTimeOffset hour, ReadOnlyMemory<byte> jsonl, int count, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        string name = Prefix(model, hour) + string.Create(CultureInfo.InvariantCulture, $"{clock.GetUtcNow().UtcDateTime:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}.jsonl");
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(jsonl), overwrite: false, cancellationToken).ConfigureAwait(false);
    }
}
