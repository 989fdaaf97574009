using System.Globalization;
using System.Security.Cryptography;

namespace ModelOps.Registry;

/// <summary>
/// The model registry: registers immutable versions, moves aliases by compare-and-swap, changes status,
/// answers searches and lineage questions, and records every change in the sealed audit log.
/// </summary>
/// <remarks>
/// <para><b>Order of writes when registering</b> (so a crash between any two steps never leaves a version
/// visible that cannot be served, and retrying the same registration completes it):</para>
/// <list type="number">
/// <item>Validate everything — names, metadata, and the artifact through <see cref="IModelArtifactValidator"/>.
/// Nothing is written if any check fails.</item>
/// <item>Write the artifact, content-addressed and write-once. Identical bytes reuse the stored artifact, so
/// a retry (or another model with the same bytes) is harmless. A crash here leaves at most an unreferenced
/// blob.</item>
/// <item>Write the version row as <i>pending</i>. Pending rows are never listed or resolved. A crash here
/// leaves an invisible row that a retry with the same artifact resumes.</item>
/// <item>Commit: one atomic table transaction makes the row visible, writes the model row and appends the
/// "register" audit entry. From here the version is visible, and its artifact exists.</item>
/// <item>If an alias was asked for, move it (its own compare-and-swap plus audit entry). A crash before this
/// leaves a complete, servable version; a retry finds it committed with the same artifact and only moves the
/// alias.</item>
/// </list>
/// <para>A retry without an explicit version number takes the next free number; a pending row left by the
/// crashed attempt stays invisible.</para>
/// </remarks>
public sealed partial class ModelRegistry(
    IRegistryStore store,
    IArtifactStore artifacts,
    IModelArtifactValidator validator,
    AuditChain audit,
    RegistryOptions options,
    TimeProvider clock)
{
    private const int AuditAttempts = 32;

    /// <summary>The alias production scores with; it moves only to versions with held-out metrics unless forced.</summary>
    public const string ChampionAlias = "champion";

    /// <summary>Registers a version (see the remarks for the order of writes). A retry of the same registration returns the existing version.</summary>
    public async Task<ModelVersion> RegisterAsync(RegistrationRequest request, ReadOnlyMemory<byte> artifact, string principal, CancellationToken cancellationToken) =>
        (await RegisterVersionAsync(request, artifact, principal, cancellationToken)).Version;

    /// <summary>
    /// Registers a version, or, when the model already has a committed version with these exact bytes, returns that
    /// version (<see cref="Registration.Existing"/>) instead of storing a copy; an alias asked for still moves to it.
    /// </summary>
    public async Task<Registration> RegisterVersionAsync(RegistrationRequest request, ReadOnlyMemory<byte> artifact, string principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string model = RegistryNames.Check(request.Model, "model");
        principal = CheckPrincipal(principal);
        string reason = RegistryNames.CheckText(request.Reason, "reason", 1000, required: false);
        if (request.Alias is not null)
        {
            RegistryNames.Check(request.Alias, "alias");
        }

        if (request.Version is <= 0)
        {
            throw new InvalidRegistryRequestException("version", "must be a positive whole number.");
        }

        if (artifact.Length > options.MaxArtifactBytes)
        {
            throw new ArtifactTooLargeException(artifact.Length, options.MaxArtifactBytes);
        }

        if (artifact.IsEmpty)
        {
            throw new InvalidRegistryRequestException("artifact", "is empty.");
        }

        CheckMetadata(request);
        await CheckDependenciesAsync(request.Dependencies ?? [], cancellationToken);
        ArtifactFacts facts = validator.Validate(artifact, request.Schema ?? ModelSchema.Empty, cancellationToken);
        string sha = Convert.ToHexStringLower(SHA256.HashData(artifact.Span));

        // The artifact is content-addressed, so equal bytes are the same model: answer with the version that has them.
        // Only stored bytes can belong to a version, so new bytes cost no listing of the model's versions.
        StoredVersion? sameBytes = await artifacts.ExistsAsync(sha, cancellationToken)
            ? (await store.ListVersionsAsync(model, cancellationToken)).FirstOrDefault(v => v.Version.ArtifactSha256 == sha)
            : null;
        if (sameBytes is not null && (request.Version is null || request.Version == sameBytes.Version.Version))
        {
            await MoveRequestedAliasAsync(request, sameBytes.Version, principal, reason, cancellationToken);
            return new Registration(sameBytes.Version, Existing: true);
        }

        bool numberChosen = request.Version is not null;
        int number = request.Version ?? await store.GetHighestVersionNumberAsync(model, cancellationToken) + 1;
        if (request.Alias == ChampionAlias && (request.Metrics?.Count ?? 0) == 0 && !request.Force)
        {
            // Refused before anything is written, so a refused champion leaves no stray version behind.
            throw new ChampionWithoutMetricsException(model, number);
        }

        var version = new ModelVersion(
            model, number, sha, artifact.Length, facts.Format, facts.Opsets, facts.Schema,
            request.Metrics ?? new Dictionary<string, double>(), request.Lineage ?? Lineage.Empty, request.Dependencies ?? [],
            VersionStatus.Registered, principal, clock.GetUtcNow()) { Baseline = request.Baseline };

        // A number one above the highest row has no row yet (a writer racing for it loses at the pending insert), so only
        // a number the caller chose can meet an earlier attempt at the same registration.
        StoredVersion? existing = numberChosen ? await store.GetVersionAsync(model, number, cancellationToken) : null;
        if (existing is not null && !existing.Version.IsSameRegistrationAs(version))
        {
            throw new DuplicateVersionException(model, number);
        }

        if (existing is not { Committed: true })
        {
            await artifacts.PutAsync(sha, artifact, cancellationToken);
            StoredVersion pending = existing ?? await AddPendingAsync(version, cancellationToken);
            version = pending.Version;
            await CommitAsync(request, version, pending.ETag, principal, reason, cancellationToken);
        }
        else
        {
            version = existing.Version;
        }

        await MoveRequestedAliasAsync(request, version, principal, reason, cancellationToken);
        return new Registration(version, Existing: existing is { Committed: true });
    }

    private async Task MoveRequestedAliasAsync(RegistrationRequest request, ModelVersion version, string principal, string reason, CancellationToken cancellationToken)
    {
        if (request.Alias is null)
        {
            return;
        }

        AliasPointer? current = await store.GetAliasAsync(version.Model, request.Alias, cancellationToken);
        if (current?.Version != version.Version)
        {
            // The version was just read or written, so the move need not read it (or the alias) again.
            CheckAliasTarget(version, request.Alias, request.Force);
            await MoveAliasToAsync(version, request.Alias, current, reason.Length > 0 ? reason : "set at registration", principal, cancellationToken);
        }
    }

    /// <summary>
    /// Points <paramref name="alias"/> at <paramref name="version"/> if the alias still has <paramref name="ifMatch"/>
    /// (when null, the alias as read now). A lost race is <see cref="RegistryPreconditionFailedException"/>.
    /// </summary>
    public Task<AliasPointer> MoveAliasAsync(string model, string alias, int version, string reason, string? ifMatch, string principal, CancellationToken cancellationToken) =>
        MoveAliasAsync(model, alias, version, reason, ifMatch, principal, force: false, cancellationToken);

    /// <summary>
    /// As the other overload; <see cref="ChampionAlias"/> moves only to a version with held-out metrics unless
    /// <paramref name="force"/> is set, because a champion is chosen on them (<see cref="ChampionWithoutMetricsException"/>).
    /// </summary>
    public async Task<AliasPointer> MoveAliasAsync(string model, string alias, int version, string reason, string? ifMatch, string principal, bool force, CancellationToken cancellationToken)
    {
        RegistryNames.Check(model, "model");
        RegistryNames.Check(alias, "alias");
        reason = RegistryNames.CheckText(reason, "reason", 1000, required: true);
        principal = CheckPrincipal(principal);
        StoredVersion target = await GetStoredVersionAsync(model, version, cancellationToken);
        CheckAliasTarget(target.Version, alias, force);
        AliasPointer? current = await store.GetAliasAsync(model, alias, cancellationToken);
        if (ifMatch is not null && (current is null || current.ETag != ifMatch))
        {
            throw new RegistryPreconditionFailedException($"Alias '{alias}' of '{model}' has changed since it was read (If-Match does not match).");
        }

        return await MoveAliasToAsync(target.Version, alias, current, reason, principal, cancellationToken);
    }

    /// <summary>An alias points only at a registered version, and the champion only at one with held-out metrics unless forced.</summary>
    private static void CheckAliasTarget(ModelVersion target, string alias, bool force)
    {
        if (target.Status != VersionStatus.Registered)
        {
            throw new InvalidStatusTransitionException(target.Model, target.Version, target.Status, VersionStatus.Registered);
        }

        if (alias == ChampionAlias && target.Metrics.Count == 0 && !force)
        {
            throw new ChampionWithoutMetricsException(target.Model, target.Version);
        }
    }

    /// <summary>Points <paramref name="alias"/> at <paramref name="target"/> if the alias is still as <paramref name="current"/> (null: absent).</summary>
    private async Task<AliasPointer> MoveAliasToAsync(ModelVersion target, string alias, AliasPointer? current, string reason, string principal, CancellationToken cancellationToken)
    {
        (string model, int version) = (target.Model, target.Version);
        string before = current is null ? string.Empty : Describe(alias, current.Version);
        return await AppendAsync(model, head =>
        {
            AuditEntry entry = audit.Next(head, model, "alias", principal, reason, clock.GetUtcNow(), before, Describe(alias, version));
            return store.SetAliasAsync(model, alias, version, current?.ETag, entry, audit.HeadOf(entry), cancellationToken);
        }, $"Alias '{alias}' of '{model}' was moved by someone else; read it again.", cancellationToken);
    }

    /// <summary>Moves a version to <paramref name="status"/> (archive, restore, retire); refuses while an alias points at it.</summary>
    public async Task<ModelVersion> ChangeStatusAsync(string model, int version, VersionStatus status, string reason, string principal, CancellationToken cancellationToken)
    {
        RegistryNames.Check(model, "model");
        reason = RegistryNames.CheckText(reason, "reason", 1000, required: true);
        principal = CheckPrincipal(principal);
        StoredVersion stored = await GetStoredVersionAsync(model, version, cancellationToken);
        ModelVersion next = stored.Version.MoveTo(status);
        if (status != VersionStatus.Registered
            && (await store.ListAliasesAsync(model, cancellationToken)).FirstOrDefault(a => a.Version == version) is { } alias)
        {
            throw new VersionInUseException(model, version, alias.Alias);
        }

        StoredVersion updated = await AppendAsync(model, head =>
        {
            AuditEntry entry = audit.Next(head, model, "status", principal, reason, clock.GetUtcNow(), $"version {version} {stored.Version.Status}", $"version {version} {status}");
            return store.UpdateVersionStatusAsync(next, stored.ETag, entry, audit.HeadOf(entry), cancellationToken);
        }, $"Version {version} of '{model}' changed meanwhile; read it again.", cancellationToken);
        return updated.Version;
    }

    public async Task<Model> GetModelAsync(string model, CancellationToken cancellationToken) =>
        await store.GetModelAsync(RegistryNames.Check(model, "model"), cancellationToken) ?? throw new RegistryNotFoundException($"Model '{model}'");

    public async Task<ModelVersion> GetVersionAsync(string model, int version, CancellationToken cancellationToken) =>
        (await GetStoredVersionAsync(model, version, cancellationToken)).Version;

    public async Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string model, CancellationToken cancellationToken)
    {
        await GetModelAsync(model, cancellationToken);
        return (await store.ListVersionsAsync(model, cancellationToken)).Select(v => v.Version).ToArray();
    }

    public async Task<IReadOnlyList<AliasPointer>> ListAliasesAsync(string model, CancellationToken cancellationToken) =>
        await store.ListAliasesAsync(RegistryNames.Check(model, "model"), cancellationToken);

    public async Task<AliasPointer> GetAliasAsync(string model, string alias, CancellationToken cancellationToken) =>
        await store.GetAliasAsync(RegistryNames.Check(model, "model"), RegistryNames.Check(alias, "alias"), cancellationToken)
        ?? throw new RegistryNotFoundException($"Alias '{alias}' of '{model}'");

    /// <summary>Models matching every given criterion (status and metric criteria hold when any committed version meets them).</summary>
    public async Task<IReadOnlyList<Model>> SearchAsync(ModelQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        IReadOnlyList<Model> models = await store.ListModelsAsync(cancellationToken);
        ILookup<string, ModelVersion> versions = query.Status is null && query.Metric is null
            ? Enumerable.Empty<ModelVersion>().ToLookup(v => v.Model)
            : (await store.ListAllVersionsAsync(cancellationToken)).ToLookup(v => v.Model, StringComparer.Ordinal);
        return models.Where(m =>
                (query.NamePrefix is null || m.Name.StartsWith(query.NamePrefix, StringComparison.OrdinalIgnoreCase))
                && (query.Tag is null || m.Tags.Contains(query.Tag, StringComparer.OrdinalIgnoreCase))
                && (query.Owner is null || string.Equals(m.Owner, query.Owner, StringComparison.OrdinalIgnoreCase))
                && (query.Status is null && query.Metric is null || versions[m.Name].Any(v =>
                    (query.Status is null || v.Status == query.Status)
                    && (query.Metric is null || v.Metrics.TryGetValue(query.Metric, out double value) && value >= (query.MinMetric ?? double.MinValue)))))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The committed versions (of any model) that depend on <paramref name="model"/>, by version or alias.</summary>
    public async Task<IReadOnlyList<ModelVersion>> DependentsOfAsync(string model, CancellationToken cancellationToken)
    {
        RegistryNames.Check(model, "model");
        return (await store.ListAllVersionsAsync(cancellationToken))
            .Where(v => v.Dependencies.Any(d => d.Model == model))
            .OrderBy(v => v.Model, StringComparer.Ordinal).ThenBy(v => v.Version)
            .ToArray();
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(string model, CancellationToken cancellationToken) =>
        await store.ReadAuditAsync(RegistryNames.Check(model, "model"), cancellationToken);

    /// <summary>Checks the model's audit chain and reports the first broken entry.</summary>
    public async Task<AuditVerification> VerifyAuditAsync(string model, CancellationToken cancellationToken)
    {
        IReadOnlyList<AuditEntry> entries = await ReadAuditAsync(model, cancellationToken);
        return audit.Verify(model, entries, await store.GetAuditHeadAsync(model, cancellationToken));
    }

    /// <summary>The artifact of a version, checked against its recorded SHA-256.</summary>
    public async Task<byte[]> ReadArtifactAsync(string model, int version, CancellationToken cancellationToken)
    {
        ModelVersion v = await GetVersionAsync(model, version, cancellationToken);
        byte[] bytes = await artifacts.ReadAsync(v.ArtifactSha256, cancellationToken);
        return Convert.ToHexStringLower(SHA256.HashData(bytes)) == v.ArtifactSha256
            ? bytes
            : throw new InvalidOperationException($"The stored artifact of '{model}' version {version} does not match its SHA-256.");
    }

    private async Task<StoredVersion> GetStoredVersionAsync(string model, int version, CancellationToken cancellationToken)
    {
        RegistryNames.Check(model, "model");
        StoredVersion? stored = await store.GetVersionAsync(model, version, cancellationToken);
        return stored is { Committed: true } ? stored : throw new RegistryNotFoundException($"Version {version} of model '{model}'");
    }

    private async Task<StoredVersion> AddPendingAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        try
        {
            return await store.AddPendingVersionAsync(version, cancellationToken);
        }
        catch (StoreConflictException)
        {
            throw new DuplicateVersionException(version.Model, version.Version);
        }
    }

    private async Task CommitAsync(RegistrationRequest request, ModelVersion version, string pendingETag, string principal, string reason, CancellationToken cancellationToken)
    {
        Model? existing = await store.GetModelAsync(version.Model, cancellationToken);
        Model model = existing is null
            ? new Model(version.Model, request.Description, request.Owner.Length > 0 ? request.Owner : principal, request.Tags ?? [],
                request.Schema ?? version.Schema, request.Card ?? new ModelCard(), version.Version, clock.GetUtcNow())
            : existing with { LatestVersion = Math.Max(existing.LatestVersion, version.Version) };
        await AppendAsync(version.Model, async head =>
        {
            AuditEntry entry = audit.Next(head, version.Model, "register", principal, reason, clock.GetUtcNow(), string.Empty,
                $"version {version.Version} sha256:{version.ArtifactSha256} bytes:{version.ArtifactBytes.ToString(CultureInfo.InvariantCulture)}");
            await store.CommitVersionAsync(model, version, pendingETag, entry, audit.HeadOf(entry), cancellationToken);
            return true;
        }, $"Version {version.Version} of '{version.Model}' is being registered by someone else.", cancellationToken);
    }

    private async Task<T> AppendAsync<T>(string model, Func<AuditHead?, Task<T>> write, string lostRace, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            // The head marker names the last entry, so appending never reads the whole log.
            AuditHead? head = await store.GetAuditHeadAsync(model, cancellationToken);
            try
            {
                return await write(head);
            }
            catch (StoreConflictException e) when (e.Kind == StoreConflictKind.AuditSequenceTaken && attempt < AuditAttempts)
            {
                // Someone appended to this model's log first; build the entry on the new head.
            }
            catch (StoreConflictException e)
            {
                throw new RegistryPreconditionFailedException(lostRace + " " + e.Message);
            }
        }
    }

    private async Task CheckDependenciesAsync(IReadOnlyList<ModelDependency> dependencies, CancellationToken cancellationToken)
    {
        for (int i = 0; i < dependencies.Count; i++)
        {
            ModelDependency d = dependencies[i];
            string field = $"dependencies[{i}]";
            RegistryNames.Check(d.Model, field + ".model");
            if ((d.Version is null) == (d.Alias is null))
            {
                throw new InvalidRegistryRequestException(field, "must name exactly one of version and alias.");
            }

            if (d.Alias is not null)
            {
                RegistryNames.Check(d.Alias, field + ".alias");
                if (await store.GetModelAsync(d.Model, cancellationToken) is null)
                {
                    throw new InvalidRegistryRequestException(field, $"names model '{d.Model}', which does not exist.");
                }
            }
            else if (await store.GetVersionAsync(d.Model, d.Version!.Value, cancellationToken) is not { Committed: true })
            {
                throw new InvalidRegistryRequestException(field, $"names version {d.Version} of '{d.Model}', which does not exist.");
            }
        }
    }

    private static void CheckMetadata(RegistrationRequest request)
    {
        RegistryNames.CheckText(request.Description, "description", 4000, required: false);
        RegistryNames.CheckText(request.Owner, "owner", 256, required: false);
        IReadOnlyList<string> tags = request.Tags ?? [];
        if (tags.Count > 50)
        {
            throw new InvalidRegistryRequestException("tags", "may hold at most 50 tags.");
        }

        for (int i = 0; i < tags.Count; i++)
        {
            RegistryNames.Check(tags[i], $"tags[{i}]");
        }

        foreach ((string metric, double value) in request.Metrics ?? new Dictionary<string, double>())
        {
            RegistryNames.Check(metric, "metrics key");
            if (!double.IsFinite(value))
            {
                throw new InvalidRegistryRequestException($"metrics.{metric}", "must be a finite number.");
            }
        }
    }

    private static string CheckPrincipal(string principal) => RegistryNames.CheckText(principal, "principal", 256, required: true);

    private static string Describe(string alias, int version) => $"{alias} -> {version.ToString(CultureInfo.InvariantCulture)}";
}
