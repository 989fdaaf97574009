using ModelOps.Registry;
using ModelOps.Registry.Tests;

namespace ModelOps.Scoring.Tests.Registry;

/// <summary>The in-memory registry ports behind a switch that makes storage unreachable, counting artifact reads.</summary>
internal sealed class ReachableStores : IRegistryStore, IArtifactStore
{
    private readonly InMemoryRegistryStore _store = new();
    private readonly InMemoryArtifactStore _artifacts = new();
    private int _artifactReads;

    /// <summary>While true every read and write fails as a network fault would.</summary>
    public bool Unreachable { get; set; }

    /// <summary>The storage address an unreachable store's errors name, as the storage SDK's do.</summary>
    public const string StorageUrl = "http://127.0.0.1:10000/devstoreaccount1/registry";

    public int ArtifactReads => Volatile.Read(ref _artifactReads);

    /// <summary>While set, artifact reads wait for it (a slow store).</summary>
    public TaskCompletionSource? ArtifactGate { get; set; }

    public Task<Model?> GetModelAsync(string model, CancellationToken cancellationToken) => Reach(() => _store.GetModelAsync(model, cancellationToken));

    public Task<IReadOnlyList<Model>> ListModelsAsync(CancellationToken cancellationToken) => Reach(() => _store.ListModelsAsync(cancellationToken));

    public Task<StoredVersion?> GetVersionAsync(string model, int version, CancellationToken cancellationToken) => Reach(() => _store.GetVersionAsync(model, version, cancellationToken));

    public Task<IReadOnlyList<StoredVersion>> ListVersionsAsync(string model, CancellationToken cancellationToken) => Reach(() => _store.ListVersionsAsync(model, cancellationToken));

    public Task<IReadOnlyList<ModelVersion>> ListAllVersionsAsync(CancellationToken cancellationToken) => Reach(() => _store.ListAllVersionsAsync(cancellationToken));

    public Task<int> GetHighestVersionNumberAsync(string model, CancellationToken cancellationToken) => Reach(() => _store.GetHighestVersionNumberAsync(model, cancellationToken));

    public Task<StoredVersion> AddPendingVersionAsync(ModelVersion version, CancellationToken cancellationToken) => Reach(() => _store.AddPendingVersionAsync(version, cancellationToken));

    public Task CommitVersionAsync(Model model, ModelVersion version, string pendingETag, AuditEntry entry, AuditHead head, CancellationToken cancellationToken) =>
        Reach(async () => { await _store.CommitVersionAsync(model, version, pendingETag, entry, head, cancellationToken); return true; });

    public Task<StoredVersion> UpdateVersionStatusAsync(ModelVersion version, string etag, AuditEntry entry, AuditHead head, CancellationToken cancellationToken) =>
        Reach(() => _store.UpdateVersionStatusAsync(version, etag, entry, head, cancellationToken));

    public Task<AliasPointer?> GetAliasAsync(string model, string alias, CancellationToken cancellationToken) => Reach(() => _store.GetAliasAsync(model, alias, cancellationToken));

    public Task<IReadOnlyList<AliasPointer>> ListAliasesAsync(string model, CancellationToken cancellationToken) => Reach(() => _store.ListAliasesAsync(model, cancellationToken));

    public Task<AliasPointer> SetAliasAsync(string model, string alias, int version, string? ifMatch, AuditEntry entry, AuditHead head, CancellationToken cancellationToken) =>
        Reach(() => _store.SetAliasAsync(model, alias, version, ifMatch, entry, head, cancellationToken));

    public Task<AuditHead?> GetAuditHeadAsync(string model, CancellationToken cancellationToken) => Reach(() => _store.GetAuditHeadAsync(model, cancellationToken));

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(string model, CancellationToken cancellationToken) => Reach(() => _store.ReadAuditAsync(model, cancellationToken));

    public Task<bool> PutAsync(string sha256, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => Reach(() => _artifacts.PutAsync(sha256, content, cancellationToken));

    public Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken) => Reach(() => _artifacts.ExistsAsync(sha256, cancellationToken));

    public Task<byte[]> ReadAsync(string sha256, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _artifactReads);
        return Reach(async () =>
        {
            if (ArtifactGate is { } gate)
            {
                await gate.Task;
            }

            return await _artifacts.ReadAsync(sha256, cancellationToken);
        });
    }

    private async Task<T> Reach<T>(Func<Task<T>> call)
    {
        await Task.Yield();
        return Unreachable ? throw new HttpRequestException($"Connection refused ({StorageUrl}).") : await call();
    }
}
