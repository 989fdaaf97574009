using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using ModelOps.Registry;

namespace ModelOps.Storage.Registry;

/// <summary>
/// Each model's <see cref="ModelRouting"/> as one row (<c>routing</c>) in the model's partition of the registry table,
/// beside its <c>model</c>, <c>version-…</c> and <c>alias-…</c> rows. The row's ETag is the routing's compare-and-swap
/// token: a write with a stale one, or a create where a row exists, is a <see cref="StoreConflictException"/>.
/// </summary>
public sealed class TableRoutingStore(TableClient table) : IRoutingStore
{
    /// <summary>The row key of a model's routing.</summary>
    public const string RoutingRow = "routing";

    private volatile bool _tableReady;

    /// <inheritdoc />
    public async Task<ModelRouting?> GetRoutingAsync(string model, CancellationToken cancellationToken)
    {
        RegistryNames.Check(model, "model");
        TableClient client = await TableAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> found = await client.GetEntityIfExistsAsync<TableEntity>(model, RoutingRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? Read(found.Value!) : null;
    }

    /// <inheritdoc />
    public async Task<ModelRouting> SetRoutingAsync(ModelRouting routing, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(routing);
        routing.Check();
        TableClient client = await TableAsync(cancellationToken).ConfigureAwait(false);
        TableEntity row = RowOf(routing);
        Response written;
        try
        {
            written = ifMatch is null
                ? await client.AddEntityAsync(row, cancellationToken).ConfigureAwait(false)
                : await client.UpdateEntityAsync(row, new ETag(ifMatch), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            throw new StoreConflictException(ifMatch is null
                ? $"The routing of '{routing.Model}' exists already; change it with the ETag last read."
                : $"The routing of '{routing.Model}' changed since it was read (or no longer exists).");
        }

        string etag = written.Headers.ETag?.ToString() ?? throw new InvalidOperationException("The table service answered a write without an ETag.");
        return routing with { ETag = etag };
    }

    /// <inheritdoc />
    public async Task<ModelRouting> SetRoutingAsync(ModelRouting routing, string? ifMatch, AuditEntry entry, AuditHead head, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(routing);
        ArgumentNullException.ThrowIfNull(entry);
        routing.Check();
        TableClient client = await TableAsync(cancellationToken).ConfigureAwait(false);
        TableEntity row = RowOf(routing);
        string etag = await TableRegistryStore.SubmitAuditedAsync(client, entry, head,
        [
            ifMatch is null
                ? new TableTransactionAction(TableTransactionActionType.Add, row)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, new ETag(ifMatch)),
        ], cancellationToken).ConfigureAwait(false);
        return routing with { ETag = etag };
    }

    private async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _tableReady = true;
        }

        return table;
    }

    private static TableEntity RowOf(ModelRouting routing) => new(routing.Model, RoutingRow)
    {
        ["Weights"] = JsonSerializer.Serialize(routing.Weights.ToArray(), RoutingJsonContext.Default.AliasWeightArray),
        ["KeyField"] = routing.KeyField,
        ["ShadowAlias"] = routing.ShadowAlias,
        ["Enabled"] = routing.Enabled,
        ["FallbackAlias"] = routing.FallbackAlias,
        ["RetryAfterSeconds"] = routing.RetryAfterSeconds,
    };

    private static ModelRouting Read(TableEntity row) => new(
        row.PartitionKey,
        JsonSerializer.Deserialize(row.GetString("Weights") ?? "[]", RoutingJsonContext.Default.AliasWeightArray) ?? [],
        row.GetString("KeyField"),
        row.GetString("ShadowAlias"),
        row.GetBoolean("Enabled") ?? true,
        row.GetString("FallbackAlias"),
        row.GetInt32("RetryAfterSeconds") ?? 30,
        row.ETag.ToString());
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AliasWeight[]))]
internal sealed partial class RoutingJsonContext : JsonSerializerContext;
