using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ModelOps.Registry;

namespace ModelOps.Storage.Registry;

/// <summary>
/// The registry's metadata in one table, one partition per model, so that a change and its audit entry
/// commit together in one entity group transaction. Rows of a partition:
/// <list type="bullet">
/// <item><c>model</c> — the model's fields;</item>
/// <item><c>version-{n:D10}</c> — a version (<c>State</c> is <c>pending</c> until committed; pending rows are never listed);</item>
/// <item><c>alias-{name}</c> — the version an alias points at; its ETag is the alias's compare-and-swap token;</item>
/// <item><c>audit-{n:D19}</c> — audit entries; inserting one whose number is taken fails, which keeps the chain linear.</item>
/// </list>
/// New ETags come from the write responses (per operation in a transaction), so nothing written is read back.
/// </summary>
public sealed class TableRegistryStore(TableClient table) : IRegistryStore
{
    private const string ModelRow = "model";
    private const string VersionPrefix = "version-";
    private const string AliasPrefix = "alias-";
    private const string AuditPrefix = "audit-";
    private const string Pending = "pending";
    private const string Committed = "committed";
    private volatile bool _tableReady;

    /// <summary>The table, created if it does not exist.</summary>
    public async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _tableReady = true;
        }

        return table;
    }

    public static string VersionKey(int version) => VersionPrefix + version.ToString("D10", CultureInfo.InvariantCulture);

    public static string AliasKey(string alias) => AliasPrefix + alias;

    public static string AuditKey(long sequence) => AuditPrefix + sequence.ToString("D19", CultureInfo.InvariantCulture);

    public async Task<Model?> GetModelAsync(string model, CancellationToken cancellationToken)
    {
        TableEntity? row = await GetAsync(model, ModelRow, cancellationToken);
        return row is null ? null : ReadModel(row);
    }

    public async Task<IReadOnlyList<Model>> ListModelsAsync(CancellationToken cancellationToken) =>
        (await QueryAsync(TableClient.CreateQueryFilter($"RowKey eq {ModelRow}"), cancellationToken)).Select(ReadModel).ToArray();

    public async Task<StoredVersion?> GetVersionAsync(string model, int version, CancellationToken cancellationToken)
    {
        TableEntity? row = await GetAsync(model, VersionKey(version), cancellationToken);
        return row is null ? null : ReadVersion(row);
    }

    public async Task<IReadOnlyList<StoredVersion>> ListVersionsAsync(string model, CancellationToken cancellationToken) =>
        (await QueryAsync(RangeFilter(model, VersionPrefix), cancellationToken)).Select(ReadVersion).Where(v => v.Committed).ToArray();

    public async Task<IReadOnlyList<ModelVersion>> ListAllVersionsAsync(CancellationToken cancellationToken) =>
        (await QueryAsync(TableClient.CreateQueryFilter($"RowKey ge {VersionPrefix} and RowKey lt {"version."} and State eq {Committed}"), cancellationToken))
            .Select(r => ReadVersion(r).Version).ToArray();

    public async Task<int> GetHighestVersionNumberAsync(string model, CancellationToken cancellationToken) =>
        (await QueryAsync(RangeFilter(model, VersionPrefix), cancellationToken, ["RowKey"]))
            .Select(r => int.Parse(r.RowKey.AsSpan(VersionPrefix.Length), CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    public async Task<StoredVersion> AddPendingVersionAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        TableClient client = await TableAsync(cancellationToken);
        Response added;
        try
        {
            added = await client.AddEntityAsync(VersionRow(version, Pending), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw new StoreConflictException(StoreConflictKind.Precondition, $"Version {version.Version} of '{version.Model}' has a row already.");
        }

        return new StoredVersion(version, Committed: false, ETagOf(added));
    }

    public async Task CommitVersionAsync(Model model, ModelVersion version, string pendingETag, AuditEntry entry, AuditHead head, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(version);
        _ = await SubmitAsync(entry, head,
        [
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, WithHead(ModelRowOf(model), head)),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, VersionRow(version, Committed), new ETag(pendingETag)),
        ], cancellationToken);
    }

    public async Task<StoredVersion> UpdateVersionStatusAsync(ModelVersion version, string etag, AuditEntry entry, AuditHead head, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        string newETag = await SubmitAsync(entry, head, [new TableTransactionAction(TableTransactionActionType.UpdateReplace, VersionRow(version, Committed), new ETag(etag))], cancellationToken);
        return new StoredVersion(version, Committed: true, newETag);
    }

    public async Task<AliasPointer?> GetAliasAsync(string model, string alias, CancellationToken cancellationToken)
    {
        TableEntity? row = await GetAsync(model, AliasKey(alias), cancellationToken);
        return row is null ? null : ReadAlias(row);
    }

    public async Task<IReadOnlyList<AliasPointer>> ListAliasesAsync(string model, CancellationToken cancellationToken) =>
        (await QueryAsync(RangeFilter(model, AliasPrefix), cancellationToken)).Select(ReadAlias).ToArray();

    public async Task<AliasPointer> SetAliasAsync(string model, string alias, int version, string? ifMatch, AuditEntry entry, AuditHead head, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var row = new TableEntity(model, AliasKey(alias))
        {
            ["Alias"] = alias,
            ["Version"] = version,
            ["UpdatedAt"] = entry.At,
            ["AuditSequence"] = entry.Sequence,
        };
        string newETag = await SubmitAsync(entry, head,
        [
            ifMatch is null
                ? new TableTransactionAction(TableTransactionActionType.Add, row)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, new ETag(ifMatch)),
        ], cancellationToken);
        return new AliasPointer(model, alias, version, newETag, entry.At);
    }

    public async Task<AuditHead?> GetAuditHeadAsync(string model, CancellationToken cancellationToken) =>
        await GetAsync(model, ModelRow, cancellationToken) is { } row && row.GetInt64("AuditHeadSequence") is long sequence
            ? new AuditHead(sequence, row.GetString("AuditHeadHash") ?? string.Empty, row.GetString("AuditHeadSeal") ?? string.Empty)
            : null;

    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(string model, CancellationToken cancellationToken) =>
        (await QueryAsync(RangeFilter(model, AuditPrefix), cancellationToken)).Select(ReadAudit).ToArray();

    /// <summary>
    /// Submits <paramref name="actions"/>, the audit entry's insert and the head marker on the model row as one
    /// transaction, translating which part lost. Returns the new ETag of the first action's row.
    /// </summary>
    private async Task<string> SubmitAsync(AuditEntry entry, AuditHead head, List<TableTransactionAction> actions, CancellationToken cancellationToken) =>
        await SubmitAuditedAsync(await TableAsync(cancellationToken), entry, head, actions, cancellationToken);

    /// <summary>
    /// The one way a change and its audit entry are written (also for rows other stores keep in a model's partition,
    /// such as its routing): <paramref name="actions"/>, the entry's insert and the head marker on the model row in
    /// one transaction. Returns the new ETag of the first action's row.
    /// </summary>
    internal static async Task<string> SubmitAuditedAsync(TableClient client, AuditEntry entry, AuditHead head, List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        if (!actions.Any(a => a.Entity.RowKey == ModelRow))
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, WithHead(new TableEntity(entry.Model, ModelRow), head), ETag.All));
        }

        int auditIndex = actions.Count;
        actions.Add(new TableTransactionAction(TableTransactionActionType.Add, AuditRow(entry)));
        try
        {
            Response<IReadOnlyList<Response>> responses = await client.SubmitTransactionAsync(actions, cancellationToken);
            return ETagOf(responses.Value[0]);
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412 or 404)
        {
            bool auditLost = e.FailedTransactionActionIndex == auditIndex
                || (e.FailedTransactionActionIndex is null && e.Status == 409
                    && (await client.GetEntityIfExistsAsync<TableEntity>(entry.Model, AuditKey(entry.Sequence), cancellationToken: cancellationToken)).HasValue);
            throw new StoreConflictException(
                auditLost ? StoreConflictKind.AuditSequenceTaken : StoreConflictKind.Precondition,
                auditLost ? $"Audit entry {entry.Sequence} of '{entry.Model}' was written by someone else." : "The row changed since it was read.");
        }
    }

    private static string ETagOf(Response response) =>
        response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("The table service answered a write without an ETag.");

    private async Task<TableEntity?> GetAsync(string partition, string row, CancellationToken cancellationToken)
    {
        TableClient client = await TableAsync(cancellationToken);
        NullableResponse<TableEntity> found = await client.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    private async Task<List<TableEntity>> QueryAsync(string filter, CancellationToken cancellationToken, IEnumerable<string>? select = null)
    {
        TableClient client = await TableAsync(cancellationToken);
        var rows = new List<TableEntity>();
        await foreach (TableEntity row in client.QueryAsync<TableEntity>(filter, select: select, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static string RangeFilter(string model, string prefix) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {model} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "."}");

    private static TableEntity ModelRowOf(Model model) => new(model.Name, ModelRow)
    {
        ["Name"] = model.Name,
        ["Description"] = model.Description,
        ["Owner"] = model.Owner,
        ["Tags"] = JsonSerializer.Serialize(model.Tags.ToList(), RegistryJsonContext.Default.ListString),
        ["Schema"] = JsonSerializer.Serialize(model.Schema, RegistryJsonContext.Default.ModelSchema),
        ["Card"] = JsonSerializer.Serialize(model.Card, RegistryJsonContext.Default.ModelCard),
        ["LatestVersion"] = model.LatestVersion,
        ["CreatedAt"] = model.CreatedAt,
    };

    private static TableEntity WithHead(TableEntity modelRow, AuditHead head)
    {
        modelRow["AuditHeadSequence"] = head.Sequence;
        modelRow["AuditHeadHash"] = head.Hash;
        modelRow["AuditHeadSeal"] = head.Seal;
        return modelRow;
    }

    private static Model ReadModel(TableEntity row) => new(
        row.GetString("Name") ?? row.PartitionKey,
        row.GetString("Description") ?? string.Empty,
        row.GetString("Owner") ?? string.Empty,
        JsonSerializer.Deserialize(row.GetString("Tags") ?? "[]", RegistryJsonContext.Default.ListString) ?? [],
        JsonSerializer.Deserialize(row.GetString("Schema") ?? "{}", RegistryJsonContext.Default.ModelSchema) ?? ModelSchema.Empty,
        JsonSerializer.Deserialize(row.GetString("Card") ?? "{}", RegistryJsonContext.Default.ModelCard) ?? new ModelCard(),
        row.GetInt32("LatestVersion") ?? 0,
        row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue);

    private static TableEntity VersionRow(ModelVersion version, string state) => new(version.Model, VersionKey(version.Version))
    {
        ["State"] = state,
        ["Status"] = version.Status.ToString(),
        ["ArtifactSha256"] = version.ArtifactSha256,
        ["Version"] = JsonSerializer.Serialize(version, RegistryJsonContext.Default.ModelVersion),
    };

    private static StoredVersion ReadVersion(TableEntity row) => new(
        JsonSerializer.Deserialize(row.GetString("Version")!, RegistryJsonContext.Default.ModelVersion)!,
        row.GetString("State") == Committed,
        row.ETag.ToString());

    private static AliasPointer ReadAlias(TableEntity row) => new(
        row.PartitionKey,
        row.GetString("Alias") ?? row.RowKey[AliasPrefix.Length..],
        row.GetInt32("Version") ?? 0,
        row.ETag.ToString(),
        row.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue);

    private static TableEntity AuditRow(AuditEntry e) => new(e.Model, AuditKey(e.Sequence))
    {
        ["Sequence"] = e.Sequence,
        ["Action"] = e.Action,
        ["Principal"] = e.Principal,
        ["Reason"] = e.Reason,
        ["At"] = e.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["Before"] = e.Before,
        ["After"] = e.After,
        ["PreviousHash"] = e.PreviousHash,
        ["Hash"] = e.Hash,
        ["Hmac"] = e.Hmac,
    };

    private static AuditEntry ReadAudit(TableEntity row) => new(
        row.GetInt64("Sequence") ?? 0,
        row.PartitionKey,
        row.GetString("Action") ?? string.Empty,
        row.GetString("Principal") ?? string.Empty,
        row.GetString("Reason") ?? string.Empty,
        DateTimeOffset.Parse(row.GetString("At") ?? "0001-01-01T00:00:00Z", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        row.GetString("Before") ?? string.Empty,
        row.GetString("After") ?? string.Empty,
        row.GetString("PreviousHash") ?? string.Empty,
        row.GetString("Hash") ?? string.Empty,
        row.GetString("Hmac") ?? string.Empty);
}
