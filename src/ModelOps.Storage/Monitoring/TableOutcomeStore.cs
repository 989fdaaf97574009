using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using ModelOps.Monitoring;
using ModelOps.Monitoring.Outcomes;

namespace ModelOps.Storage.Monitoring;

/// <summary>
/// Outcomes in a table: partition = model, row key = SHA-256 of the join key (request id and row, or entity key), so
/// the same outcome posted twice is one row, the later one. <c>RecordedAt</c> is when it arrived; runs read the
/// outcomes recorded since their window began.
/// </summary>
public sealed class TableOutcomeStore(TableClient table, TimeProvider clock) : IOutcomeStore
{
    private const int TransactionSize = 100;
    private readonly Lazy<Task> _created = new(() => table.CreateIfNotExistsAsync());

    /// <inheritdoc />
    public async Task SaveAsync(string model, IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        await _created.Value.ConfigureAwait(false);
        DateTimeOffset now = clock.GetUtcNow();

        // One transaction holds one change per row key: the last outcome of a key in the batch is the one kept.
        TableEntity[] rows = outcomes.GroupBy(o => o.JoinKey, StringComparer.Ordinal).Select(g => Row(model, g.Last(), now)).ToArray();
        foreach (TableEntity[] chunk in rows.Chunk(TransactionSize))
        {
            await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Outcome>> ListAsync(string model, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var found = new List<Outcome>();
        try
        {
            await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {model} and RecordedAt ge {since.UtcDateTime}"), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                found.Add(new Outcome(
                    row.GetString("RequestId"), row.GetInt32("Row"), row.GetString("Key"), row.GetString("Label") ?? string.Empty, row.GetDouble("Value"), row.GetDateTimeOffset("ObservedAt")));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }

        return found;
    }

    private static TableEntity Row(string model, Outcome outcome, DateTimeOffset now) => new(model, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(outcome.JoinKey))))
    {
        ["RequestId"] = outcome.RequestId,
        ["Row"] = outcome.RequestId is null ? null : outcome.Row ?? 0,
        ["Key"] = outcome.Key,
        ["Label"] = outcome.Label,
        ["Value"] = outcome.Value,
        ["ObservedAt"] = (outcome.ObservedAt ?? now).UtcDateTime,
        ["RecordedAt"] = now.UtcDateTime,
    };
}
