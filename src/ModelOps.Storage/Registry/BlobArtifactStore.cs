using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ModelOps.Registry;

namespace ModelOps.Storage.Registry;

/// <summary>
/// Artifacts in one blob container, content-addressed: the blob name is <c>sha256/{hex}</c>. Writes use
/// <c>If-None-Match: *</c>, so a stored artifact is never overwritten; when the blob exists already the
/// identical bytes are simply reused (the name is their hash).
/// </summary>
public sealed class BlobArtifactStore(BlobContainerClient container) : IArtifactStore
{
    private volatile bool _containerReady;

    /// <summary>The blob name of an artifact.</summary>
    public static string BlobName(string sha256) => "sha256/" + CheckSha(sha256);

    /// <inheritdoc />
    public async Task<bool> PutAsync(string sha256, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (Convert.ToHexStringLower(SHA256.HashData(content.Span)) != CheckSha(sha256))
        {
            throw new ArgumentException("The content does not hash to the given SHA-256.", nameof(sha256));
        }

        await EnsureContainerAsync(cancellationToken);
        try
        {
            await container.GetBlobClient(BlobName(sha256)).UploadAsync(
                new BinaryData(content),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        return (await container.GetBlobClient(BlobName(sha256)).ExistsAsync(cancellationToken)).Value;
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadAsync(string sha256, CancellationToken cancellationToken)
    {
        try
        {
            return (await container.GetBlobClient(BlobName(sha256)).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new RegistryNotFoundException("Artifact sha256:" + sha256);
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

    private static string CheckSha(string sha256) =>
        sha256 is { Length: 64 } && sha256.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c))
            ? sha256
            : throw new ArgumentException("Not a lowercase hex SHA-256.", nameof(sha256));
}
