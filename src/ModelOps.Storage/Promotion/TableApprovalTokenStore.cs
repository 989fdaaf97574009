using Azure;
using Azure.Data.Tables;
using ModelOps.Registry;
using ModelOps.Registry.Promotion;

namespace ModelOps.Storage.Promotion;

/// <summary>
/// Approval tokens in one table, one partition per promotion request, so that consuming a token and recording the
/// request's decision commit in one entity group transaction. Rows of a partition:
/// <list type="bullet">
/// <item><c>token-{sha256}</c> — a token's hash, approver, expiry and, once used, when and how; its ETag is the compare-and-swap token;</item>
/// <item><c>decision</c> — the request's one decision; inserting it fails when it exists, so a second decision loses.</item>
/// </list>
/// The token itself is never stored.
/// </summary>
public sealed class TableApprovalTokenStore(TableClient table) : IApprovalTokenStore
{
    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "ApprovalTokens";

    private const string TokenPrefix = "token-";
    private const string DecisionRow = "decision";
    private volatile bool _tableReady;

    public async Task AddAsync(ApprovalTokenRecord token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        TableClient client = await TableAsync(cancellationToken);
        try
        {
            await client.AddEntityAsync(TokenRow(token), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw new StoreConflictException(StoreConflictKind.Precondition, $"A token with that hash exists for request '{token.RequestId}'.");
        }
    }

    public async Task<StoredApprovalToken?> GetAsync(string requestId, string tokenHash, CancellationToken cancellationToken)
    {
        TableEntity? row = await GetRowAsync(requestId, TokenPrefix + tokenHash, cancellationToken);
        return row is null ? null : new StoredApprovalToken(ReadToken(row), row.ETag.ToString());
    }

    public async Task<RecordedDecision?> GetDecisionAsync(string requestId, CancellationToken cancellationToken)
    {
        TableEntity? row = await GetRowAsync(requestId, DecisionRow, cancellationToken);
        return row is null
            ? null
            : new RecordedDecision(
                row.PartitionKey,
                Enum.Parse<ApprovalDecision>(row.GetString("Decision") ?? nameof(ApprovalDecision.Reject)),
                row.GetString("Approver") ?? string.Empty,
                row.GetString("Comment") ?? string.Empty,
                row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue);
    }

    public async Task<bool> TryConsumeAsync(ApprovalTokenRecord consumed, string etag, RecordedDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumed);
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.RequestId != consumed.RequestId) throw new ArgumentException("The decision is for another request than the token.", nameof(decision));
        TableClient client = await TableAsync(cancellationToken);
        var decisionRow = new TableEntity(decision.RequestId, DecisionRow)
        {
            ["Decision"] = decision.Decision.ToString(),
            ["Approver"] = decision.Approver,
            ["Comment"] = decision.Comment,
            ["At"] = decision.At,
            ["TokenHash"] = consumed.TokenHash,
        };
        try
        {
            await client.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, TokenRow(consumed), new ETag(etag)),
                    new TableTransactionAction(TableTransactionActionType.Add, decisionRow),
                ],
                cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return false;
        }
    }

    public async Task<bool> TryRecordAsync(RecordedDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        TableClient client = await TableAsync(cancellationToken);
        try
        {
            await client.AddEntityAsync(
                new TableEntity(decision.RequestId, DecisionRow)
                {
                    ["Decision"] = decision.Decision.ToString(),
                    ["Approver"] = decision.Approver,
                    ["Comment"] = decision.Comment,
                    ["At"] = decision.At,
                    ["TokenHash"] = string.Empty,
                },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task ResetAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        TableClient client = await TableAsync(cancellationToken);
        var rows = new List<TableTransactionAction>();
        await foreach (TableEntity row in client.QueryAsync<TableEntity>(e => e.PartitionKey == requestId, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            rows.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
        }

        // One partition: deletes go in transactions of at most 100 entities.
        foreach (TableTransactionAction[] batch in rows.Chunk(100))
        {
            await client.SubmitTransactionAsync(batch, cancellationToken);
        }
    }

    private async Task<TableClient> TableAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _tableReady = true;
        }

        return table;
    }

    private async Task<TableEntity?> GetRowAsync(string partition, string row, CancellationToken cancellationToken)
    {
        TableClient client = await TableAsync(cancellationToken);
        NullableResponse<TableEntity> found = await client.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    private static TableEntity TokenRow(ApprovalTokenRecord token) => new(token.RequestId, TokenPrefix + token.TokenHash)
    {
        ["Approver"] = token.Approver,
        ["IssuedAt"] = token.IssuedAt,
        ["ExpiresAt"] = token.ExpiresAt,
        ["ConsumedAt"] = token.ConsumedAt,
        ["Decision"] = token.Decision?.ToString(),
    };

    private static ApprovalTokenRecord ReadToken(TableEntity row) => new(
        row.PartitionKey,
        row.RowKey[TokenPrefix.Length..],
        row.GetString("Approver") ?? string.Empty,
        row.GetDateTimeOffset("IssuedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("ConsumedAt"),
        row.GetString("Decision") is { } d ? Enum.Parse<ApprovalDecision>(d) : null);
}
