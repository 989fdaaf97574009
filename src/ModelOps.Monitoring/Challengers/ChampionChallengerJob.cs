using System.Globalization;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring.Accuracy;
using ModelOps.Monitoring.Alerts;
using ModelOps.Monitoring.Outcomes;
using ModelOps.Monitoring.Retraining;
using ModelOps.Registry;
using ModelOps.Registry.Promotion;

namespace ModelOps.Monitoring.Challengers;

/// <summary>What a champion–challenger run did: the comparison (null when there was nothing to compare yet), and the promotion request it made.</summary>
public sealed record ChallengerRun(string Model, ChallengerComparison? Comparison, PromotionRequest? Requested, IReadOnlyList<string> Reasons);

/// <summary>
/// Champion against challenger on the recent labelled rows logged since the challenger was registered (rows it was
/// not trained on): both pipelines score the same rows, <see cref="ChallengerComparison"/> decides, a winning
/// challenger becomes a promotion request to <c>champion</c>, and the data scientists are told either way. The rows it
/// compared on become the model's labelled rows, so the promotion's gates judge on the same data.
/// </summary>
public sealed class ChampionChallengerJob(
    ModelRegistry registry, PayloadWindow window, IPromotionRequestSink promotions, ILabelledRows labelledRows, IMonitoringHistory history, Alerting alerts, MonitoringOptions options, TimeProvider clock)
{
    public async Task<ChallengerRun> RunAsync(string model, CancellationToken cancellationToken)
    {
        MonitoringPolicy policy = options.For(model);
        IReadOnlyList<AliasPointer> aliases = await registry.ListAliasesAsync(model, cancellationToken).ConfigureAwait(false);
        AliasPointer? champion = aliases.FirstOrDefault(a => a.Alias == ModelRegistry.ChampionAlias);
        AliasPointer? challenger = aliases.FirstOrDefault(a => a.Alias == RetrainJob.ChallengerAlias);
        if (champion is null || challenger is null || champion.Version == challenger.Version)
        {
            return new ChallengerRun(model, null, null, ["no challenger other than the champion"]);
        }

        ModelVersion challengerVersion = await registry.GetVersionAsync(model, challenger.Version, cancellationToken).ConfigureAwait(false);
        FittedPipeline championPipeline = await PipelineOf(model, champion.Version, cancellationToken).ConfigureAwait(false);
        FittedPipeline challengerPipeline = await PipelineOf(model, challenger.Version, cancellationToken).ConfigureAwait(false);

        DateTimeOffset now = clock.GetUtcNow();
        DateTimeOffset from = now - policy.AccuracyWindow;
        if (challengerVersion.CreatedAt > from) from = challengerVersion.CreatedAt;
        IReadOnlyList<LabelledPrediction> rows = LabelledRows.Distinct(await window.LabelledAsync(model, from, now, policy.PositiveClass, cancellationToken).ConfigureAwait(false));
        string positive = policy.PositiveClass ?? championPipeline.Classes[^1];
        bool[] outcomes = rows.Select(r => RealizedAccuracy.IsPositive(r.Outcome, positive)).ToArray();
        int positives = outcomes.Count(y => y);
        if (rows.Count < policy.MinLabelledRows || positives == 0 || positives == rows.Count)
        {
            return new ChallengerRun(model, null, null,
                [string.Create(CultureInfo.InvariantCulture, $"{rows.Count} labelled rows ({positives} positive) since v{challenger.Version} was registered; a comparison needs {policy.MinLabelledRows} with both outcomes")]);
        }

        double[] championScores = Score(championPipeline, rows);
        double[] challengerScores = Score(challengerPipeline, rows);
        ChallengerComparison comparison = ChallengerComparison.Compare(
            model, champion.Version, challenger.Version, championScores, challengerScores, outcomes, rows.Select(r => r.Outcome.Value).ToArray(), policy);

        PromotionRequest? request = null;
        if (comparison.ChallengerWins)
        {
            await labelledRows.WriteCsvAsync(model, CsvDatasetWriter.ToCsv(LabelledRows.ToDataset(rows, championPipeline.Inputs.UnionBy(challengerPipeline.Inputs, i => i.Name).ToArray(), championPipeline.Target)), cancellationToken).ConfigureAwait(false);
            request = new PromotionRequest(model, challenger.Version, ModelRegistry.ChampionAlias, RetrainJob.Principal, PromotionReason.Accuracy, Note: string.Join("; ", comparison.Reasons));
            await promotions.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
        }

        string subject = comparison.ChallengerWins
            ? $"{model}: challenger v{challenger.Version} beats champion v{champion.Version}; promotion requested"
            : $"{model}: champion v{champion.Version} stays; challenger v{challenger.Version} did not win";
        await alerts.RaiseAsync(model, challenger.Version, AlertKind.ChallengerVerdict, subject, comparison.Reasons, cancellationToken).ConfigureAwait(false);
        await history.UpdateStateAsync(model, s => s with { JudgedChallenger = challenger.Version }, cancellationToken).ConfigureAwait(false);
        return new ChallengerRun(model, comparison, request, comparison.Reasons);
    }

    private async Task<FittedPipeline> PipelineOf(string model, int version, CancellationToken cancellationToken) =>
        await VersionPipelines.ReadAsync(registry, model, version, cancellationToken).ConfigureAwait(false)
        ?? throw new NotComparableException(model, version);

    private static double[] Score(FittedPipeline pipeline, IReadOnlyList<LabelledPrediction> rows) =>
        pipeline.Predict(LabelledRows.ToDataset(rows, pipeline.Inputs, pipeline.Target));
}

/// <summary>A version's artifact holds no fitted pipeline (it was not exported by our trainer), so monitoring cannot score it itself.</summary>
public sealed class NotComparableException(string model, int version)
    : Exception($"'{model}' v{version} was not exported by the ModelOps trainer, so champion–challenger cannot score it on the labelled rows.");
