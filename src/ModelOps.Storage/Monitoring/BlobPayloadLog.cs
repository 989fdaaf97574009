using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ModelOps.Monitoring;

namespace ModelOps.Storage.Monitoring;

/// <summary>
/// The payload logs in blob storage, as the scoring app writes them: one prefix per model and hour
/// (<c>payloads/{model}/{yyyy}/{MM}/{dd}/{HH}/</c>), so a window lists only its own hours.
/// </summary>
public sealed class BlobPayloadLog(BlobContainerClient container) : IPayloadLog
{
    /// <inheritdoc />
    public async IAsyncEnumerable<Stream> OpenAsync(string model, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        DateTime hour = new(from.UtcDateTime.Year, from.UtcDateTime.Month, from.UtcDateTime.Day, from.UtcDateTime.Hour, 0, 0, DateTimeKind.Utc);
        for (; hour < to.UtcDateTime; hour = hour.AddHours(1))
        {
            string prefix = string.Create(CultureInfo.InvariantCulture, $"payloads/{model}/{hour:yyyy}/{hour:MM}/{hour:dd}/{hour:HH}/");
            var names = new List<string>();
            try
            {
                await foreach (BlobItem blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
                {
                    names.Add(blob.Name);
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                yield break;
            }

            foreach (string name in names.Order(StringComparer.Ordinal))
            {
                Stream stream;
                try
                {
                    stream = await container.GetBlobClient(name).OpenReadAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    continue;
                }

                yield return stream;
            }
        }
    }
}
