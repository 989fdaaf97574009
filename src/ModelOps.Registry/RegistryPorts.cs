namespace ModelOps.Registry;

/// <summary>A stored version and the facts the registry needs about its row: visible yet, and its concurrency token.</summary>
public sealed record StoredVersion(ModelVersion Version, bool Committed, string ETag);

/// <summary>
/// Where the registry keeps metadata, aliases and the audit log. Every method that takes an
/// <see cref="AuditEntry"/> writes it, and replaces the log's <see cref="AuditHead"/>, atomically with the change it records, and fails with
/// <see cref="StoreConflictException"/> (kind <see cref="StoreConflictKind.AuditSequenceTaken"/>) when that
/// sequence number is taken, or (kind <see cref="StoreConflictKind.Precondition"/>) when the subject
/// changed since it was read. Only committed versions are ever returned by the listing methods.
/// </summary>
public interface IRegistryStore
{
    Task<Model?> GetModelAsync(string model, CancellationToken cancellationToken);

    Task<IReadOnlyList<Model>> ListModelsAsync(CancellationToken cancellationToken);

    /// <summary>A version row, committed or still pending.</summary>
    Task<StoredVersion?> GetVersionAsync(string model, int version, CancellationToken cancellationToken);

    /// <summary>The committed versions of one model, oldest first.</summary>
    Task<IReadOnlyList<StoredVersion>> ListVersionsAsync(string model, CancellationToken cancellationToken);

    /// <summary>The committed versions of every model (for "what depends on X").</summary>
    Task<IReadOnlyList<ModelVersion>> ListAllVersionsAsync(CancellationToken cancellationToken);

    /// <summary>The highest version number with any row (pending included), 0 when none.</summary>
    Task<int> GetHighestVersionNumberAsync(string model, CancellationToken cancellationToken);

    /// <summary>Writes the version row invisible (pending); conflict when a row with that number exists.</summary>
    Task<StoredVersion> AddPendingVersionAsync(ModelVersion version, CancellationToken cancellationToken);

    /// <summary>Atomically: makes the pending version visible (if its row still has <paramref name="pendingETag"/>), writes the model row, and appends the audit entry.</summary>
    Task CommitVersionAsync(Model model, ModelVersion version, string pendingETag, AuditEntry entry, AuditHead head, CancellationToken cancellationToken);

    /// <summary>Atomically: writes the version's new status if its row still has <paramref name="etag"/>, and appends the audit entry.</summary>
    Task<StoredVersion> UpdateVersionStatusAsync(ModelVersion version, string etag, AuditEntry entry, AuditHead head, CancellationToken cancellationToken);

    Task<AliasPointer?> GetAliasAsync(string model, string alias, CancellationToken cancellationToken);

    Task<IReadOnlyList<AliasPointer>> ListAliasesAsync(string model, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically: points the alias at <paramref name="version"/> if it still has <paramref name="ifMatch"/>
    /// (null: only if the alias does not exist yet), and appends the audit entry.
    /// </summary>
    Task<AliasPointer> SetAliasAsync(string model, string alias, int version, string? ifMatch, AuditEntry entry, AuditHead head, CancellationToken cancellationToken);

    /// <summary>The head marker written with the last append (null before the first).</summary>
    Task<AuditHead?> GetAuditHeadAsync(string model, CancellationToken cancellationToken);

    /// <summary>The model's audit entries in stored order.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(string model, CancellationToken cancellationToken);
}

/// <summary>Content-addressed, write-once artifact storage.</summary>
public interface IArtifactStore
{
    /// <summary>
    /// Stores <paramref name="content"/> under its SHA-256 unless it is there already (identical bytes reuse
    /// the stored artifact). Returns true when this call wrote it.
    /// </summary>
    Task<bool> PutAsync(string sha256, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>True when an artifact with that hash is stored.</summary>
    Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>The artifact's bytes; <see cref="RegistryNotFoundException"/> when it is not stored.</summary>
    Task<byte[]> ReadAsync(string sha256, CancellationToken cancellationToken);
}

/// <summary>What the engine found in an artifact: the facts recorded on the version.</summary>
public sealed record ArtifactFacts(string Format, IReadOnlyDictionary<string, long> Opsets, ModelSchema Schema);

/// <summary>Checks an artifact before anything is stored: it loads, matches the declared schema, and scores a sample row.</summary>
public interface IModelArtifactValidator
{
    /// <summary>Returns what the artifact declares, or throws <see cref="InvalidModelException"/> listing every reason it is unusable.</summary>
    ArtifactFacts Validate(ReadOnlyMemory<byte> artifact, ModelSchema declared, CancellationToken cancellationToken);
}
