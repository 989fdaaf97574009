using ModelOps.Monitoring.Retraining;
using ModelOps.Registry;

namespace ModelOps.Monitoring;

/// <summary>What the cycle asks for next for one model: a retrain (with its reasons), a champion–challenger comparison.</summary>
public sealed record CycleStep(string Model, MonitorRun? Run, RetrainDecision? Retrain, bool CompareChallenger);

/// <summary>
/// The monitoring cycle the timer drives: every model listed in the settings whose <see cref="MonitoringPolicy.RunEvery"/>
/// has come is monitored (drift, accuracy, retrain decision), and a challenger not yet judged is put up for comparison.
/// The work that takes long — retraining, comparing — is asked for, not done here, so each step retries on its own.
/// </summary>
public sealed class MonitoringCycle(ModelRegistry registry, ModelMonitor monitor, IMonitoringHistory history, MonitoringOptions options, TimeProvider clock)
{
    public async Task<IReadOnlyList<CycleStep>> RunDueAsync(CancellationToken cancellationToken)
    {
        var steps = new List<CycleStep>();
        foreach (string model in options.Models.Keys.Order(StringComparer.Ordinal))
        {
            MonitoringState state = await history.GetStateAsync(model, cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = clock.GetUtcNow();
            if (state.LastRunAt is { } last && now - last < options.For(model).RunEvery) continue;
            steps.Add(await RunAsync(model, cancellationToken).ConfigureAwait(false));
        }

        return steps;
    }

    /// <summary>Monitors <paramref name="model"/> now, whatever its schedule says.</summary>
    public async Task<CycleStep> RunAsync(string model, CancellationToken cancellationToken)
    {
        MonitorRun run = await monitor.RunAsync(model, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = clock.GetUtcNow();
        MonitoringState state = await history.UpdateStateAsync(
            model, s => s with { LastRunAt = now, RetrainRequestedAt = run.Retrain.Retrain ? now : s.RetrainRequestedAt }, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<AliasPointer> aliases = await registry.ListAliasesAsync(model, cancellationToken).ConfigureAwait(false);
        int? champion = aliases.FirstOrDefault(a => a.Alias == ModelRegistry.ChampionAlias)?.Version;
        int? challenger = aliases.FirstOrDefault(a => a.Alias == RetrainJob.ChallengerAlias)?.Version;
        bool compare = challenger is not null && challenger != champion && challenger != state.JudgedChallenger;
        return new CycleStep(model, run, run.Retrain, compare);
    }
}
