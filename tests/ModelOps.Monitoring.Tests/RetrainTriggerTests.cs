using ModelOps.Monitoring.Outcomes;
using ModelOps.Monitoring.Retraining;

namespace ModelOps.Monitoring.Tests;

/// <summary>The four retrain triggers, the cooldown, and what an outcome must carry.</summary>
public sealed class RetrainTriggerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Nothing_triggers_a_retrain_when_nothing_happened()
    {
        RetrainDecision decision = RetrainTrigger.Decide(new MonitoringPolicy(), MonitoringState.New("m"), Now, false, false, 10_000);

        decision.Retrain.Should().BeFalse();
        decision.Reasons.Should().BeEmpty();
    }

    [Fact]
    public void The_schedule_and_the_count_of_new_labelled_rows_each_trigger_a_retrain()
    {
        var policy = new MonitoringPolicy { RetrainEvery = TimeSpan.FromDays(7), RetrainAfterLabelledRows = 1_000 };
        var state = new MonitoringState("m", Now.AddDays(-8), null);

        RetrainDecision both = RetrainTrigger.Decide(policy, state, Now, false, false, 1_000);
        RetrainDecision neither = RetrainTrigger.Decide(policy, state with { LastRetrainAt = Now.AddDays(-6) }, Now, false, false, 999);

        both.Retrain.Should().BeTrue();
        both.Reasons.Should().HaveCount(2).And.Contain(r => r.StartsWith("schedule", StringComparison.Ordinal)).And.Contain("1000 new labelled rows (≥ 1000)");
        neither.Retrain.Should().BeFalse();
    }

    [Fact]
    public void Within_the_cooldown_a_breach_does_not_retrain_again_and_says_why()
    {
        var state = new MonitoringState("m", Now.AddHours(-2), null);

        RetrainDecision decision = RetrainTrigger.Decide(new MonitoringPolicy(), state, Now, true, true, 0);
        RetrainDecision off = RetrainTrigger.Decide(new MonitoringPolicy { RetrainOnDrift = false, RetrainOnAccuracyDrop = false }, MonitoringState.New("m"), Now, true, true, 0);

        decision.Retrain.Should().BeFalse();
        decision.Reasons[0].Should().StartWith("cooling down");
        off.Retrain.Should().BeFalse();
    }

    [Fact]
    public void A_retrain_asked_for_and_not_yet_run_is_not_asked_for_again_until_it_ran_declined_or_is_older_than_the_cooldown()
    {
        var pending = MonitoringState.New("m") with { RetrainRequestedAt = Now.AddSeconds(-30) };

        RetrainDecision waiting = RetrainTrigger.Decide(new MonitoringPolicy(), pending, Now, true, false, 0);
        RetrainDecision declined = RetrainTrigger.Decide(new MonitoringPolicy(), pending with { RetrainRequestedAt = null }, Now, true, false, 0);
        RetrainDecision lost = RetrainTrigger.Decide(new MonitoringPolicy(), pending with { RetrainRequestedAt = Now.AddDays(-2) }, Now, true, false, 0);
        RetrainDecision ranLongAgo = RetrainTrigger.Decide(new MonitoringPolicy(), new MonitoringState("m", Now.AddDays(-3), null) { RetrainRequestedAt = Now.AddDays(-3).AddMinutes(-1) }, Now, true, false, 0);

        waiting.Retrain.Should().BeFalse();
        waiting.Reasons[0].Should().Contain("is still to run");
        declined.Retrain.Should().BeTrue();
        lost.Retrain.Should().BeTrue();
        ranLongAgo.Retrain.Should().BeTrue();
    }

    [Fact]
    public void An_outcome_names_each_field_it_lacks_or_gets_wrong()
    {
        var outcome = new Outcome(null, -1, null, "", double.NaN, null);

        outcome.Problems("outcomes[3]").Should().BeEquivalentTo(
            "outcomes[3].requestId: give requestId (with row) or key.",
            "outcomes[3].row: must be 0 or more.",
            "outcomes[3].label: is required.",
            "outcomes[3].value: must be a finite number.");
        new Outcome(null, null, "client-7", "yes", 12.5, null).Problems("outcomes[0]").Should().BeEmpty();
    }

    [Fact]
    public void A_policy_names_each_setting_that_is_out_of_range()
    {
        var policy = new MonitoringPolicy { Window = TimeSpan.Zero, MinAuroc = 2, RetrainHoldout = 1 };

        policy.Problems("churn").Should().BeEquivalentTo(
            "Monitoring:Models:churn:Window must be positive.",
            "Monitoring:Models:churn:MinAuroc must be in [0, 1].",
            "Monitoring:Models:churn:RetrainHoldout must be in (0, 1).");
    }
}
