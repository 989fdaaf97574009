using System.Security.Cryptography;
using Azure.Data.Tables;
using ModelOps.Registry.Promotion;
using ModelOps.Storage.Promotion;
using ModelOps.Testing;

namespace ModelOps.Storage.Tests.Promotion;

[Collection(AzuriteCollection.Name)]
public sealed class ApprovalTokensOnAzuriteTests(AzuriteFixture azurite)
{
    private static readonly PromotionRequest Request = new("churn", 7, "champion", "dana@example.org", PromotionReason.Drift);
    private static readonly string[] Approvers = ["eli@example.org", "fay@example.org", "dana@example.org"];
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public async Task Only_the_hash_of_the_token_is_stored()
    {
        (ApprovalTokens tokens, TableClient table) = Create();

        IssuedApprovalToken issued = await tokens.IssueAsync(Request, "eli@example.org", Approvers, CancellationToken.None);

        issued.Token.Should().HaveLength(43);
        Convert.FromBase64String(issued.Token.Replace('-', '+').Replace('_', '/') + "=").Should().HaveCount(32);
        var rows = new List<TableEntity>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>()) rows.Add(row);
        rows.Should().ContainSingle();
        rows[0].RowKey.Should().Be("token-" + ApprovalTokens.HashOf(issued.Token));
        rows.SelectMany(r => r.Select(kv => kv.Value?.ToString())).Should().NotContain(v => v != null && v.Contains(issued.Token, StringComparison.Ordinal));
        issued.Record.ExpiresAt.Should().Be(_clock.GetUtcNow() + TimeSpan.FromHours(72));
    }

    [Fact]
    public async Task Ten_concurrent_consumptions_of_one_token_give_exactly_one_decision()
    {
        (ApprovalTokens tokens, TableClient _) = Create();
        IssuedApprovalToken issued = await tokens.IssueAsync(Request, "eli@example.org", Approvers, CancellationToken.None);

        TokenCheck[] results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => tokens.DecideAsync(Request, issued.Token, null, Approvers, ApprovalDecision.Approve, $"ship it ({i})", CancellationToken.None))));

        results.Count(r => r.Accepted).Should().Be(1);
        RecordedDecision winner = results.Single(r => r.Accepted).Decision!;
        results.Where(r => !r.Accepted).Should().OnlyContain(r => r.Refusal == TokenRefusal.AlreadyUsed || r.Refusal == TokenRefusal.RequestDecided);
        results.Where(r => !r.Accepted && r.EarlierDecision != null).Should().OnlyContain(r => r.EarlierDecision == winner);
        (await Store().GetDecisionAsync(Request.Id, CancellationToken.None)).Should().Be(winner);
    }

    [Fact]
    public async Task Approve_racing_reject_from_two_approvers_gives_one_decision()
    {
        (ApprovalTokens tokens, TableClient _) = Create();
        IssuedApprovalToken eli = await tokens.IssueAsync(Request, "eli@example.org", Approvers, CancellationToken.None);
        IssuedApprovalToken fay = await tokens.IssueAsync(Request, "fay@example.org", Approvers, CancellationToken.None);

        TokenCheck[] results = await Task.WhenAll(
            Task.Run(() => tokens.DecideAsync(Request, eli.Token, null, Approvers, ApprovalDecision.Approve, "looks good", CancellationToken.None)),
            Task.Run(() => tokens.DecideAsync(Request, fay.Token, null, Approvers, ApprovalDecision.Reject, "not yet", CancellationToken.None)));

        results.Count(r => r.Accepted).Should().Be(1);
        results.Single(r => !r.Accepted).Refusal.Should().Be(TokenRefusal.RequestDecided);
        RecordedDecision stored = (await Store().GetDecisionAsync(Request.Id, CancellationToken.None))!;
        stored.Should().Be(results.Single(r => r.Accepted).Decision);
        StoredApprovalToken loser = (await Store().GetAsync(Request.Id, ApprovalTokens.HashOf(stored.Approver == "eli@example.org" ? fay.Token : eli.Token)!, CancellationToken.None))!;
        loser.Token.IsConsumed.Should().BeFalse("the losing token's write was rolled back with the decision's");
    }

    [Fact]
    public async Task Forged_expired_reused_and_foreign_tokens_are_refused_with_distinct_reasons_and_change_nothing()
    {
        (ApprovalTokens tokens, TableClient table) = Create();
        IssuedApprovalToken used = await tokens.IssueAsync(Request, "eli@example.org", Approvers, CancellationToken.None);
        IssuedApprovalToken fay = await tokens.IssueAsync(Request, "fay@example.org", Approvers, CancellationToken.None);
        TokenCheck first = await tokens.DecideAsync(Request, used.Token, null, Approvers, ApprovalDecision.Reject, "needs more data", CancellationToken.None);
        first.Accepted.Should().BeTrue();
        string before = await Snapshot(table);
        char[] tampered = fay.Token.ToCharArray();
        tampered[10] = tampered[10] == 'A' ? 'B' : 'A';

        TokenCheck reused = await tokens.DecideAsync(Request, used.Token, null, Approvers, ApprovalDecision.Approve, "again", CancellationToken.None);
        TokenCheck forged = await tokens.DecideAsync(Request, new string(tampered), null, Approvers, ApprovalDecision.Approve, "x", CancellationToken.None);
        TokenCheck garbage = await tokens.DecideAsync(Request, "not-a-token", null, Approvers, ApprovalDecision.Approve, "x", CancellationToken.None);
        TokenCheck foreign = await tokens.DecideAsync(Request, fay.Token, "eli@example.org", Approvers, ApprovalDecision.Approve, "x", CancellationToken.None);
        TokenCheck otherRequest = await tokens.DecideAsync(Request with { CandidateVersion = 8 }, fay.Token, null, Approvers, ApprovalDecision.Approve, "x", CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(72));
        TokenCheck expired = await tokens.DecideAsync(Request, fay.Token, null, Approvers, ApprovalDecision.Approve, "x", CancellationToken.None);

        reused.Refusal.Should().Be(TokenRefusal.AlreadyUsed);
        reused.EarlierDecision!.Decision.Should().Be(ApprovalDecision.Reject);
        forged.Refusal.Should().Be(TokenRefusal.Forged);
        garbage.Refusal.Should().Be(TokenRefusal.Forged);
        foreign.Refusal.Should().Be(TokenRefusal.WrongApprover);
        otherRequest.Refusal.Should().Be(TokenRefusal.Forged);
        expired.Refusal.Should().Be(TokenRefusal.Expired);
        (await Snapshot(table)).Should().Be(before);
    }

    [Fact]
    public async Task Self_approval_and_approvers_off_the_list_get_no_token_and_lose_a_token_when_removed()
    {
        (ApprovalTokens tokens, TableClient _) = Create();
        IssuedApprovalToken eli = await tokens.IssueAsync(Request, "eli@example.org", Approvers, CancellationToken.None);

        Func<Task> self = () => tokens.IssueAsync(Request, "dana@example.org", Approvers, CancellationToken.None);
        Func<Task> stranger = () => tokens.IssueAsync(Request, "mallory@example.org", Approvers, CancellationToken.None);
        TokenCheck removed = await tokens.DecideAsync(Request, eli.Token, null, ["fay@example.org"], ApprovalDecision.Approve, "ok", CancellationToken.None);

        (await self.Should().ThrowAsync<FourEyesViolationException>()).Which.Refusal.Should().Be(TokenRefusal.SelfApproval);
        (await stranger.Should().ThrowAsync<FourEyesViolationException>()).Which.Refusal.Should().Be(TokenRefusal.NotAnApprover);
        removed.Refusal.Should().Be(TokenRefusal.NotAnApprover);
        (await Store().GetDecisionAsync(Request.Id, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task A_cancellation_recorded_first_wins_over_an_approval_and_a_second_one_loses()
    {
        (ApprovalTokens tokens, TableClient _) = Create();
        IssuedApprovalToken eli = await tokens.IssueAsync(Request, "eli@example.org", Approvers, CancellationToken.None);
        var cancel = new RecordedDecision(Request.Id, ApprovalDecision.Cancel, "dana@example.org", "wrong data", _clock.GetUtcNow());

        bool first = await Store().TryRecordAsync(cancel, CancellationToken.None);
        bool second = await Store().TryRecordAsync(cancel with { Comment = "again" }, CancellationToken.None);
        TokenCheck approval = await tokens.DecideAsync(Request, eli.Token, null, Approvers, ApprovalDecision.Approve, "ship it", CancellationToken.None);

        (first, second).Should().Be((true, false));
        approval.Refusal.Should().Be(TokenRefusal.RequestDecided);
        approval.EarlierDecision.Should().BeEquivalentTo(cancel);
        (await Store().GetDecisionAsync(Request.Id, CancellationToken.None)).Should().BeEquivalentTo(cancel);
    }

    [Fact]
    public async Task Checking_a_token_on_get_never_consumes_it()
    {
        (ApprovalTokens tokens, TableClient _) = Create();
        IssuedApprovalToken eli = await tokens.IssueAsync(Request, "eli@example.org", Approvers, CancellationToken.None);

        TokenCheck first = await tokens.CheckAsync(Request, eli.Token, null, Approvers, CancellationToken.None);
        TokenCheck second = await tokens.CheckAsync(Request, eli.Token, null, Approvers, CancellationToken.None);
        TokenCheck decided = await tokens.DecideAsync(Request, eli.Token, null, Approvers, ApprovalDecision.Approve, "fine", CancellationToken.None);

        first.Accepted.Should().BeTrue();
        second.Accepted.Should().BeTrue();
        decided.Accepted.Should().BeTrue();
    }

    private readonly string _tableName = AzuriteFixture.UniqueName("tokens");

    private TableApprovalTokenStore Store() => new(new TableServiceClient(azurite.ConnectionString).GetTableClient(_tableName));

    private (ApprovalTokens Tokens, TableClient Table) Create()
    {
        TableClient table = new TableServiceClient(azurite.ConnectionString).GetTableClient(_tableName);
        return (new ApprovalTokens(new TableApprovalTokenStore(table), RandomNumberGenerator.Create(), _clock, new ApprovalTokenOptions()), table);
    }

    private static async Task<string> Snapshot(TableClient table)
    {
        var rows = new List<string>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row.RowKey + " " + row.ETag + " " + string.Join(",", row.Where(kv => kv.Key != "odata.etag").OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value)));
        }

        return string.Join("\n", rows.Order(StringComparer.Ordinal));
    }
}
