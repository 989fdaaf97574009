using System.Globalization;
using ModelOps.Registry;

namespace ModelOps.Registry.Tests;

/// <summary>The store port in memory, with the same atomicity and conflict rules as the table adapter.</summary>
internal sealed class InMemoryRegistryStore : IRegistryStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Model> _models = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, int), StoredVersion> _versions = [];
    private readonly Dictionary<(string, string), AliasPointer> _aliases = [];
    private readonly Dictionary<string, List<AuditEntry>> _audit = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AuditHead> _heads = new(StringComparer.Ordinal);
    private long _etag;

    public List<AuditEntry> AuditOf(string model)
    {
        lock (_gate)
        {
            return _audit.TryGetValue(model, out List<AuditEntry>? list) ? list : _audit[model] = [];
        }
    }

    public Task<Model?> GetModelAsync(string model, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_models.GetValueOrDefault(model));
        }
    }

    public Task<IReadOnlyList<Model>> ListModelsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Model>>(_models.Values.ToArray());
        }
    }

    public Task<StoredVersion?> GetVersionAsync(string model, int version, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_versions.GetValueOrDefault((model, version)));
        }
    }

    public Task<IReadOnlyList<StoredVersion>> ListVersionsAsync(string model, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoredVersion>>(_versions.Values.Where(v => v.Committed && v.Version.Model == model).OrderBy(v => v.Version.Version).ToArray());
        }
    }

    public Task<IReadOnlyList<ModelVersion>> ListAllVersionsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ModelVersion>>(_versions.Values.Where(v => v.Committed).Select(v => v.Version).ToArray());
        }
    }

    public Task<int> GetHighestVersionNumberAsync(string model, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_versions.Keys.Where(k => k.Item1 == model).Select(k => k.Item2).DefaultIfEmpty(0).Max());
        }
    }

    public Task<StoredVersion> AddPendingVersionAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_versions.ContainsKey((version.Model, version.Version)))
            {
                throw new StoreConflictException(StoreConflictKind.Precondition, "The version row exists.");
            }

            var stored = new StoredVersion(version, false, NextETag());
            _versions[(version.Model, version.Version)] = stored;
            return Task.FromResult(stored);
        }
    }

    public Task CommitVersionAsync(Model model, ModelVersion version, string pendingETag, AuditEntry entry, AuditHead head, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            CheckETag(version.Model, version.Version, pendingETag);
            CheckSequence(entry);
            _versions[(version.Model, version.Version)] = new StoredVersion(version, true, NextETag());
            _models[model.Name] = model;
            AuditOf(entry.Model).Add(entry);
            _heads[entry.Model] = head;
            return Task.CompletedTask;
        }
    }

    public Task<StoredVersion> UpdateVersionStatusAsync(ModelVersion version, string etag, AuditEntry entry, AuditHead head, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            CheckETag(version.Model, version.Version, etag);
            CheckSequence(entry);
            var stored = new StoredVersion(version, true, NextETag());
            _versions[(version.Model, version.Version)] = stored;
            AuditOf(entry.Model).Add(entry);
            _heads[entry.Model] = head;
            return Task.FromResult(stored);
        }
    }

    public Task<AliasPointer?> GetAliasAsync(string model, string alias, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_aliases.GetValueOrDefault((model, alias)));
        }
    }

    public Task<IReadOnlyList<AliasPointer>> ListAliasesAsync(string model, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AliasPointer>>(_aliases.Values.Where(a => a.Model == model).OrderBy(a => a.Alias, StringComparer.Ordinal).ToArray());
        }
    }

    public Task<AliasPointer> SetAliasAsync(string model, string alias, int version, string? ifMatch, AuditEntry entry, AuditHead head, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            AliasPointer? current = _aliases.GetValueOrDefault((model, alias));
            if (current?.ETag != ifMatch)
            {
                throw new StoreConflictException(StoreConflictKind.Precondition, "The alias changed.");
            }

            CheckSequence(entry);
            var pointer = new AliasPointer(model, alias, version, NextETag(), entry.At);
            _aliases[(model, alias)] = pointer;
            AuditOf(model).Add(entry);
            _heads[model] = head;
            return Task.FromResult(pointer);
        }
    }

    public Task<AuditHead?> GetAuditHeadAsync(string model, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_heads.GetValueOrDefault(model));
        }
    }

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(string model, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AuditEntry>>(AuditOf(model).ToArray());
        }
    }

    private void CheckETag(string model, int version, string etag)
    {
        if (!_versions.TryGetValue((model, version), out StoredVersion? stored) || stored.ETag != etag)
        {
            throw new StoreConflictException(StoreConflictKind.Precondition, "The version row changed.");
        }
    }

    private void CheckSequence(AuditEntry entry)
    {
        if (AuditOf(entry.Model).Count + 1 != entry.Sequence)
        {
            throw new StoreConflictException(StoreConflictKind.AuditSequenceTaken, "The audit sequence number is taken.");
        }
    }

    private string NextETag() => "e" + (++_etag).ToString(CultureInfo.InvariantCulture);
}

/// <summary>The artifact port in memory.</summary>
internal sealed class InMemoryArtifactStore : IArtifactStore
{
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    public int Writes { get; private set; }

    public int Count
    {
        get
        {
            lock (_blobs)
            {
                return _blobs.Count;
            }
        }
    }

    public Task<bool> PutAsync(string sha256, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        lock (_blobs)
        {
            if (_blobs.ContainsKey(sha256))
            {
                return Task.FromResult(false);
            }

            _blobs[sha256] = content.ToArray();
            Writes++;
            return Task.FromResult(true);
        }
    }

    public Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken)
    {
        lock (_blobs)
        {
            return Task.FromResult(_blobs.ContainsKey(sha256));
        }
    }

    public Task<byte[]> ReadAsync(string sha256, CancellationToken cancellationToken)
    {
        lock (_blobs)
        {
            return _blobs.TryGetValue(sha256, out byte[]? bytes) ? Task.FromResult(bytes) : throw new RegistryNotFoundException("Artifact " + sha256);
        }
    }
}
