namespace ModelOps.Monitoring.Alerts;

/// <summary>What an alert is about.</summary>
public enum AlertKind
{
    /// <summary>Live traffic drifted past the model's thresholds.</summary>
    Drift,

    /// <summary>Realized accuracy fell past the model's thresholds.</summary>
    Accuracy,

    /// <summary>A challenger was retrained and registered.</summary>
    Retrained,

    /// <summary>A retrained model did not recover the accuracy threshold: the model needs remodelling, not retraining.</summary>
    RemodelNeeded,

    /// <summary>Champion and challenger were compared; the alert says which won.</summary>
    ChallengerVerdict,
}

/// <summary>
/// One alert to a model's owners and whoever listens on the alerts queue: what happened, to which version, why (in
/// words, no feature values), and who is told. <see cref="Id"/> is stable for the same event, so a retried send
/// is recognisable.
/// </summary>
public sealed record MonitoringAlert(
    string Id,
    string Model,
    int Version,
    AlertKind Kind,
    string Subject,
    IReadOnlyList<string> Reasons,
    DateTimeOffset At,
    IReadOnlyList<string> Recipients);
