using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring.Accuracy;
using ModelOps.Monitoring.Alerts;
using ModelOps.Monitoring.Drift;
using ModelOps.Monitoring.Outcomes;
using ModelOps.Monitoring.Payloads;
using ModelOps.Monitoring.Retraining;
using ModelOps.Registry;

namespace ModelOps.Monitoring;

/// <summary>What one monitoring run found: drift per version, realized accuracy per version, and the retrain decision.</summary>
public sealed record MonitorRun(string Model, IReadOnlyList<DriftWindow> Drift, IReadOnlyList<RealizedAccuracy> Accuracy, RetrainDecision Retrain, PayloadReadCounts Read);

/// <summary>
/// One monitoring run of a model, in one pass over its payload logs: each version's traffic of the drift window
/// profiled against that version's baseline, each version's labelled rows of the accuracy window measured, both
/// recorded in the history, breaches alerted, and the retrain triggers decided on the champion's results.
/// </summary>
public sealed class ModelMonitor(ModelRegistry registry, PayloadWindow window, IMonitoringHistory history, Alerting alerts, MonitoringOptions options, TimeProvider clock)
{
    public async Task<MonitorRun> RunAsync(string model, CancellationToken cancellationToken)
    {
        MonitoringPolicy policy = options.For(model);
        DateTimeOffset now = clock.GetUtcNow();
        DateTimeOffset driftFrom = now - policy.Window, accuracyFrom = now - policy.AccuracyWindow;
        DateTimeOffset from = driftFrom < accuracyFrom ? driftFrom : accuracyFrom;
        int champion = (await registry.GetAliasAsync(model, ModelRegistry.ChampionAlias, cancellationToken).ConfigureAwait(false)).Version;

        var profiles = new Dictionary<int, WindowProfile?>();
        var labelled = new Dictionary<int, List<LabelledPrediction>>();
        var baselines = new Dictionary<int, BaselineProfile?>();
        foreach (ModelVersion version in await registry.ListVersionsAsync(model, cancellationToken).ConfigureAwait(false))
        {
            baselines[version.Version] = version.Baseline;
        }

        PayloadReadCounts read = await window.ReadAsync(model, from, now, policy.PositiveClass, (prediction, outcome) =>
        {
            if (prediction.Timestamp >= driftFrom)
            {
                if (!profiles.TryGetValue(prediction.Version, out WindowProfile? profile))
                {
                    profile = baselines.GetValueOrDefault(prediction.Version) is { } baseline ? new WindowProfile(baseline) : null;
                    profiles[prediction.Version] = profile;
                }

                profile?.Add(prediction);
            }

            if (outcome is not null && prediction.Timestamp >= accuracyFrom)
            {
                if (!labelled.TryGetValue(prediction.Version, out List<LabelledPrediction>? rows)) labelled[prediction.Version] = rows = [];
                rows.Add(new LabelledPrediction(prediction, outcome));
            }
        }, cancellationToken).ConfigureAwait(false);

        var drift = new List<DriftWindow>();
        foreach ((int version, WindowProfile? profile) in profiles.OrderBy(p => p.Key))
        {
            if (profile is null) continue;
            DriftWindow report = profile.Report(model, version, driftFrom, now, policy);
            drift.Add(report);
            await history.AddDriftAsync(report, cancellationToken).ConfigureAwait(false);
            if (report.Breached)
            {
                await alerts.RaiseAsync(model, version, AlertKind.Drift, $"{model} v{version}: live traffic drifted", report.Reasons, cancellationToken).ConfigureAwait(false);
            }
        }

        var accuracy = new List<RealizedAccuracy>();
        string positive = policy.PositiveClass ?? await PositiveClassAsync(model, champion, cancellationToken).ConfigureAwait(false);
        foreach ((int version, List<LabelledPrediction> rows) in labelled.OrderBy(p => p.Key))
        {
            RealizedAccuracy measured = RealizedAccuracy.Measure(model, version, accuracyFrom, now, LabelledRows.Distinct(rows), positive, policy);
            accuracy.Add(measured);
            await history.AddAccuracyAsync(measured, cancellationToken).ConfigureAwait(false);
            if (measured.Breached)
            {
                await alerts.RaiseAsync(model, version, AlertKind.Accuracy, $"{model} v{version}: realized accuracy fell", measured.Reasons, cancellationToken).ConfigureAwait(false);
            }
        }

        MonitoringState state = await history.GetStateAsync(model, cancellationToken).ConfigureAwait(false);
        long fresh = labelled.Values.SelectMany(rows => rows)
            .Count(r => !r.Prediction.Shadow && (state.LastRetrainAt is not { } last || (r.Outcome.ObservedAt ?? now) >= last));
        RetrainDecision decision = RetrainTrigger.Decide(
            policy, state, now,
            drift.Any(d => d.Version == champion && d.Breached),
            accuracy.Any(a => a.Version == champion && a.Breached),
            fresh);
        return new MonitorRun(model, drift, accuracy, decision, read);
    }

    /// <summary>The positive class of a version exported by our trainer (its second class), else <c>1</c>.</summary>
    private async Task<string> PositiveClassAsync(string model, int version, CancellationToken cancellationToken)
    {
        FittedPipeline? pipeline = await VersionPipelines.ReadAsync(registry, model, version, cancellationToken).ConfigureAwait(false);
        return pipeline is { Classes.Count: 2 } ? pipeline.Classes[1] : "1";
    }
}

/// <summary>The fitted pipeline inside a registered artifact, for the models our trainer exported.</summary>
public static class VersionPipelines
{
    public static async Task<FittedPipeline?> ReadAsync(ModelRegistry registry, string model, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        byte[] artifact = await registry.ReadArtifactAsync(model, version, cancellationToken).ConfigureAwait(false);
        return PipelineOnnxExporter.ReadPipeline(Onnx.OnnxModel.Load(artifact));
    }
}
