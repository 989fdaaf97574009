using ModelOps.Registry;

namespace ModelOps.Registry.Tests;

public sealed class AuditChainTests
{
    private static readonly AuditChain Chain = new(TestModels.AuditKey);

    private static List<AuditEntry> Log(int count)
    {
        var entries = new List<AuditEntry>();
        var at = new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < count; i++)
        {
            entries.Add(Chain.Next(entries.LastOrDefault(), "churn", "alias", "p" + i, "why " + i, at.AddMinutes(i), "champion -> " + i, "champion -> " + (i + 1)));
        }

        return entries;
    }

    [Fact]
    public void Untouched_chain_verifies()
    {
        AuditVerification result = Chain.Verify("churn", Log(5));

        result.Intact.Should().BeTrue();
        result.EntriesChecked.Should().Be(5);
    }

    [Fact]
    public void Edited_entry_is_reported_at_its_position()
    {
        List<AuditEntry> log = Log(5);
        log[2] = log[2] with { Reason = "innocent" };

        AuditVerification result = Chain.Verify("churn", log);

        result.Should().Match<AuditVerification>(r => !r.Intact && r.BrokenAtSequence == 3 && r.BrokenAtPosition == 2);
        result.Problem.Should().Contain("edited");
    }

    [Fact]
    public void Edited_and_rehashed_entry_fails_the_seal()
    {
        List<AuditEntry> log = Log(5);
        AuditEntry forged = new AuditChain(new byte[32]).Next(log[1], "churn", "alias", "mallory", "x", log[2].At, log[2].Before, log[2].After);
        log[2] = forged;

        AuditVerification result = Chain.Verify("churn", log);

        result.BrokenAtSequence.Should().Be(3);
        result.Problem.Should().Contain("seal");
    }

    [Fact]
    public void Deleted_entry_is_reported_where_the_gap_is()
    {
        List<AuditEntry> log = Log(5);
        log.RemoveAt(1);

        AuditVerification result = Chain.Verify("churn", log);

        result.Should().Match<AuditVerification>(r => !r.Intact && r.BrokenAtPosition == 1 && r.BrokenAtSequence == 3);
    }

    [Fact]
    public void Reordered_entries_are_reported_at_the_first_moved_one()
    {
        List<AuditEntry> log = Log(5);
        (log[2], log[3]) = (log[3], log[2]);

        AuditVerification result = Chain.Verify("churn", log);

        result.Should().Match<AuditVerification>(r => !r.Intact && r.BrokenAtPosition == 2 && r.BrokenAtSequence == 4);
    }

    [Fact]
    public void Inserted_entry_is_reported_at_the_insertion()
    {
        List<AuditEntry> log = Log(5);
        log.Insert(3, log[2] with { Reason = "slipped in" });

        AuditVerification result = Chain.Verify("churn", log);

        result.Should().Match<AuditVerification>(r => !r.Intact && r.BrokenAtPosition == 3);
    }

    [Fact]
    public void Deleting_the_last_entries_is_caught_by_the_head_marker()
    {
        List<AuditEntry> log = Log(5);
        AuditHead head = Chain.HeadOf(log[^1]);
        log.RemoveRange(3, 2);

        AuditVerification result = Chain.Verify("churn", log, head);

        result.Should().Match<AuditVerification>(r => !r.Intact && r.BrokenAtPosition == 3 && r.BrokenAtSequence == 4);
        result.Problem.Should().Contain("deleted");
    }

    [Fact]
    public void A_head_marker_moved_back_without_the_key_is_caught()
    {
        List<AuditEntry> log = Log(5);
        log.RemoveAt(4);
        AuditHead forged = new AuditChain(new byte[32]).HeadOf(log[^1]);

        AuditVerification result = Chain.Verify("churn", log, forged);

        result.Intact.Should().BeFalse();
        result.Problem.Should().Contain("head marker");
    }

    [Fact]
    public void Intact_log_matches_its_head_marker()
    {
        List<AuditEntry> log = Log(3);

        Chain.Verify("churn", log, Chain.HeadOf(log[^1])).Intact.Should().BeTrue();
    }

    [Fact]
    public void A_key_shorter_than_32_bytes_is_refused()
    {
        Action act = () => _ = new AuditChain(new byte[16]);

        act.Should().Throw<ArgumentException>();
    }
}
