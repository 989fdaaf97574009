using System.Globalization;

namespace ModelOps.Monitoring.Retraining;

/// <summary>
/// What a model's monitoring remembers between runs: when it last ran and retrained, which retrained version was
/// flagged <em>remodel needed</em>, and which challenger was already judged (so its verdict is not repeated).
/// </summary>
public sealed record MonitoringState(string Model, DateTimeOffset? LastRetrainAt, int? RemodelNeededVersion)
{
    /// <summary>When the monitoring cycle last ran for the model.</summary>
    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>The challenger version champion–challenger last reached a verdict on.</summary>
    public int? JudgedChallenger { get; init; }

    /// <summary>
    /// When the cycle last asked for a retrain; cleared when the retrain declines. While a request is neither done nor
    /// declined the cycle asks no second time, so a retrain slower than the cycle does not become two challengers.
    /// </summary>
    public DateTimeOffset? RetrainRequestedAt { get; init; }

    /// <summary>A retrain was asked for at or after the last retrain, and has neither run nor declined yet.</summary>
    public bool RetrainPending => RetrainRequestedAt is { } requested && (LastRetrainAt is not { } done || done < requested);

    /// <summary>A model never monitored.</summary>
    public static MonitoringState New(string model) => new(model, null, null);
}

/// <summary>Whether to retrain now, and why (each reason in words; empty when not).</summary>
public sealed record RetrainDecision(bool Retrain, IReadOnlyList<string> Reasons);

/// <summary>
/// Decides retraining from the four triggers: the schedule (<see cref="MonitoringPolicy.RetrainEvery"/> since the last
/// retrain, or since monitoring began), a drift breach, an accuracy breach, and N new labelled rows since the last retrain.
/// Within <see cref="MonitoringPolicy.RetrainCooldown"/> of the last retrain nothing triggers: the challenger it made is
/// still being judged.
/// </summary>
public static class RetrainTrigger
{
    public static RetrainDecision Decide(MonitoringPolicy policy, MonitoringState state, DateTimeOffset now, bool driftBreached, bool accuracyBreached, long newLabelledRows)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(state);
        var reasons = new List<string>();
        if (policy.RetrainEvery is { } every && state.LastRetrainAt is { } last && now - last >= every)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"schedule: last retrained {last:u}, every {every}"));
        }

        if (policy.RetrainEvery is not null && state.LastRetrainAt is null)
        {
            reasons.Add("schedule: never retrained");
        }

        if (policy.RetrainOnDrift && driftBreached) reasons.Add("drift breached the model's thresholds");
        if (policy.RetrainOnAccuracyDrop && accuracyBreached) reasons.Add("realized accuracy breached the model's thresholds");
        if (policy.RetrainAfterLabelledRows is { } n && newLabelledRows >= n)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{newLabelledRows} new labelled rows (≥ {n})"));
        }

        if (reasons.Count > 0 && state.LastRetrainAt is { } previous && now - previous < policy.RetrainCooldown)
        {
            return new RetrainDecision(false, [string.Create(CultureInfo.InvariantCulture, $"cooling down: retrained {previous:u}, within {policy.RetrainCooldown}"), .. reasons]);
        }

        // A request older than the cooldown is taken as lost (its message expired or failed for good) and asked again.
        if (reasons.Count > 0 && state.RetrainPending && now - state.RetrainRequestedAt!.Value < policy.RetrainCooldown)
        {
            return new RetrainDecision(false, [string.Create(CultureInfo.InvariantCulture, $"a retrain asked for at {state.RetrainRequestedAt:u} is still to run"), .. reasons]);
        }

        return new RetrainDecision(reasons.Count > 0, reasons);
    }
}
