using ModelOps.Learning.Data;
using ModelOps.Monitoring.Accuracy;
using ModelOps.Monitoring.Alerts;
using ModelOps.Monitoring.Challengers;
using ModelOps.Monitoring.Drift;
using ModelOps.Monitoring.Retraining;
using ModelOps.Registry;
using ModelOps.Registry.Promotion;

namespace ModelOps.Monitoring.Tests;

/// <summary>
/// The Monitor loop on real drift: Bank Marketing in time order, a champion trained on its first 15,000 rows
/// (May–June 2008), later months replayed as a day of traffic each.
/// </summary>
public sealed class BankMarketingLoopTests
{
    private static MonitoringPolicy Policy(double minAuroc = 0.65, double? minAccuracy = 0.8) => new()
    {
        Window = TimeSpan.FromDays(1),
        AccuracyWindow = TimeSpan.FromDays(1),
        MinAuroc = minAuroc,
        MinAccuracy = minAccuracy,
    };

    [Fact]
    public async Task Drift_is_flagged_on_the_features_that_really_move_and_not_on_those_that_stay()
    {
        var replay = new BankReplay(Policy());
        await replay.RegisterChampionAsync(15_000);

        await replay.ReplayDayAsync(40_000, 45_000);
        MonitorRun run = await replay.Monitor.RunAsync(BankReplay.Model, CancellationToken.None);

        DriftWindow window = run.Drift.Should().ContainSingle().Subject;
        window.Rows.Should().Be(5_000);
        window.Breached.Should().BeTrue();
        // 2010 calls go to mobiles, to people contacted in earlier campaigns: contact, pdays, previous and poutcome move.
        window.Features.DrivenBy.Should().Contain(["contact", "pdays", "previous", "poutcome"]);
        window.Features.Columns.Where(c => c.Name is "marital" or "default").Should().OnlyContain(c => !c.Drifted);
        window.Features.Columns.Single(c => c.Name == "contact").Method.Should().Be("jensen_shannon");
        window.Features.Columns.Single(c => c.Name == "pdays").Method.Should().Be("psi");
        replay.History.Drift.Should().ContainSingle().Which.Should().BeSameAs(window);
        replay.AlertsOf(AlertKind.Drift).Should().ContainSingle()
            .Which.Recipients.Should().Equal("owner@example.org");
    }

    [Fact]
    public async Task Realized_accuracy_drops_on_later_months_and_the_drop_raises_an_alert_and_a_retrain()
    {
        var replay = new BankReplay(Policy());
        await replay.RegisterChampionAsync(15_000);

        await replay.ReplayDayAsync(15_000, 20_000);
        RealizedAccuracy early = (await replay.Monitor.RunAsync(BankReplay.Model, CancellationToken.None)).Accuracy.Single();
        await replay.ReplayDayAsync(40_000, 45_000);
        MonitorRun late = await replay.Monitor.RunAsync(BankReplay.Model, CancellationToken.None);
        RealizedAccuracy after = late.Accuracy.Single();

        early.Labelled.Should().Be(5_000);
        after.Labelled.Should().Be(5_000);
        after.Accuracy.Should().BeLessThan(early.Accuracy!.Value - 0.2);
        after.LogLoss.Should().BeGreaterThan(early.LogLoss!.Value * 2);
        after.Auroc.Should().BeLessThan(early.Auroc!.Value);
        after.Breached.Should().BeTrue();
        after.Reasons.Should().Contain(r => r.StartsWith("accuracy", StringComparison.Ordinal));
        after.BusinessValue.Should().NotBeNull();
        replay.History.Accuracy.Should().HaveCount(2);
        replay.AlertsOf(AlertKind.Accuracy).Should().Contain(a => a.Reasons.Any(r => r.StartsWith("accuracy", StringComparison.Ordinal)));
        late.Retrain.Retrain.Should().BeTrue();
        late.Retrain.Reasons.Should().Contain("realized accuracy breached the model's thresholds");
    }

    [Fact]
    public async Task A_retrain_registers_a_challenger_with_lineage_that_champion_challenger_prefers_and_a_promotion_is_requested()
    {
        var replay = new BankReplay(Policy(minAuroc: 0.5, minAccuracy: null));
        ModelVersion champion = await replay.RegisterChampionAsync(15_000);
        await replay.ReplayDayAsync(37_000, 41_000);
        MonitorRun run = await replay.Monitor.RunAsync(BankReplay.Model, CancellationToken.None);

        RetrainOutcome retrained = await replay.Retrain.RunAsync(BankReplay.Model, run.Retrain.Reasons, CancellationToken.None);
        await replay.ReplayDayAsync(41_000, 45_211);
        ChallengerRun verdict = await replay.Challenger.RunAsync(BankReplay.Model, CancellationToken.None);

        ModelVersion challenger = retrained.Challenger;
        challenger.Version.Should().Be(2);
        challenger.Lineage.ParentVersion.Should().Be(champion.Version);
        challenger.Lineage.PipelineSpecSha256.Should().Be(champion.Lineage.PipelineSpecSha256, "retraining keeps the variables: same spec");
        challenger.Lineage.Parameters["retrain_train_rows"].Should().Be("3200");
        challenger.Baseline.Should().NotBeNull();
        (await replay.Registry.GetAliasAsync(BankReplay.Model, "challenger", CancellationToken.None)).Version.Should().Be(2);
        (await replay.Registry.GetAliasAsync(BankReplay.Model, "champion", CancellationToken.None)).Version.Should().Be(1, "only an approved promotion moves the champion");
        retrained.Retrained.RemodelNeeded.Should().BeFalse();
        replay.AlertsOf(AlertKind.Retrained).Should().ContainSingle();

        ChallengerComparison comparison = verdict.Comparison!;
        comparison.Rows.Should().Be(4_211);
        comparison.ChallengerWins.Should().BeTrue();
        comparison.DeLong.Difference.Should().BeGreaterThan(0.05);
        comparison.DeLong.PValue.Should().BeLessThan(0.001);
        comparison.ChallengerLogLoss.Should().BeLessThan(comparison.ChampionLogLoss);
        PromotionRequest request = replay.Promotions.Requests.Should().ContainSingle().Subject;
        request.Should().Be(verdict.Requested);
        (request.Model, request.CandidateVersion, request.TargetAlias, request.Reason).Should().Be((BankReplay.Model, 2, "champion", PromotionReason.Accuracy));
        request.Problems().Should().BeEmpty();
        replay.AlertsOf(AlertKind.ChallengerVerdict).Should().ContainSingle().Which.Subject.Should().Contain("promotion requested");

        // The promotion's gates judge on the rows champion and challenger were compared on.
        using var csv = new StringReader(replay.LabelledRows.Csv[BankReplay.Model]);
        Dataset labelled = CsvDatasetReader.Read(csv);
        labelled.RowCount.Should().Be(comparison.Rows);
        labelled["y"].Texts!.Distinct().Should().BeEquivalentTo(["yes", "no"], "the gates need both outcomes");
        labelled.Columns.Select(c => c.Name).Should().Contain(["age", "balance", "contact", "poutcome"]);
    }

    [Fact]
    public async Task A_retrain_that_does_not_recover_the_threshold_flags_remodel_needed_and_tells_the_owners()
    {
        var replay = new BankReplay(Policy(minAuroc: 0.65));
        await replay.RegisterChampionAsync(15_000);
        await replay.ReplayDayAsync(37_000, 41_000);

        RetrainOutcome retrained = await replay.Retrain.RunAsync(BankReplay.Model, ["accuracy"], CancellationToken.None);

        retrained.Retrained.Report.Test!.Auroc.Should().BeLessThan(0.65);
        retrained.Retrained.RemodelNeeded.Should().BeTrue();
        retrained.Challenger.Lineage.Parameters["remodel_needed"].Should().Be("true");
        (await replay.History.GetStateAsync(BankReplay.Model, CancellationToken.None)).RemodelNeededVersion.Should().Be(retrained.Challenger.Version);
        MonitoringAlert alert = replay.AlertsOf(AlertKind.RemodelNeeded).Should().ContainSingle().Subject;
        alert.Reasons.Should().Contain(r => r.StartsWith("retrained AUROC", StringComparison.Ordinal));
        alert.Recipients.Should().Contain("owner@example.org");
    }

    [Fact]
    public async Task Champion_challenger_waits_for_labelled_rows_logged_after_the_challenger_was_registered()
    {
        var replay = new BankReplay(Policy(minAuroc: 0.5));
        await replay.RegisterChampionAsync(15_000);
        await replay.ReplayDayAsync(37_000, 41_000);
        await replay.Retrain.RunAsync(BankReplay.Model, ["accuracy"], CancellationToken.None);

        ChallengerRun verdict = await replay.Challenger.RunAsync(BankReplay.Model, CancellationToken.None);

        verdict.Comparison.Should().BeNull("the only labelled rows are the ones the challenger was trained on");
        verdict.Reasons.Should().ContainSingle().Which.Should().Contain("0 labelled rows");
        replay.Promotions.Requests.Should().BeEmpty();
    }
}
