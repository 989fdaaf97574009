using System.Collections.Concurrent;
using ModelOps.Registry;
using ModelOps.Registry.Promotion;

namespace ModelOps.Mail.Tests;

/// <summary>Tokens in memory: enough to issue real tokens for the links (the table adapter is tested on Azurite).</summary>
internal sealed class InMemoryApprovalTokenStore : IApprovalTokenStore
{
    private readonly ConcurrentDictionary<(string, string), StoredApprovalToken> _tokens = new();

    public Task AddAsync(ApprovalTokenRecord token, CancellationToken cancellationToken) =>
        _tokens.TryAdd((token.RequestId, token.TokenHash), new StoredApprovalToken(token, "1")) ? Task.CompletedTask : throw new StoreConflictException();

    public Task<StoredApprovalToken?> GetAsync(string requestId, string tokenHash, CancellationToken cancellationToken) =>
        Task.FromResult(_tokens.TryGetValue((requestId, tokenHash), out StoredApprovalToken? t) ? t : null);

    public Task<RecordedDecision?> GetDecisionAsync(string requestId, CancellationToken cancellationToken) => Task.FromResult<RecordedDecision?>(null);

    public Task<bool> TryConsumeAsync(ApprovalTokenRecord consumed, string etag, RecordedDecision decision, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The mail tests never decide.");

    public Task<bool> TryRecordAsync(RecordedDecision decision, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The mail tests never decide.");

    public Task ResetAsync(string requestId, CancellationToken cancellationToken) => throw new NotSupportedException("The mail tests never reset.");
}
