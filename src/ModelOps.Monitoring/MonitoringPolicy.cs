namespace ModelOps.Monitoring;

/// <summary>
/// How one model is watched: the drift and accuracy thresholds that raise an alert, when a retrain starts, and
/// what a challenger must show to be put up for promotion. Bound from settings (<c>Monitoring__Models__NAME__…</c>);
/// every threshold has the default documented on it.
/// </summary>
public sealed record MonitoringPolicy
{
    /// <summary>The drift window: payloads of the last this long are profiled (default 1 day).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How often the monitoring cycle runs for the model (default 1 hour; the timer checks every 10 seconds).</summary>
    public TimeSpan RunEvery { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Realized accuracy, retraining and champion–challenger use the labelled rows of the last this long (default 7 days).</summary>
    public TimeSpan AccuracyWindow { get; init; } = TimeSpan.FromDays(7);

    /// <summary>No second retrain within this long of the last one, whatever the triggers say (default 1 day).</summary>
    public TimeSpan RetrainCooldown { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Fewer scored rows than this in a window: the window is recorded but raises no alert (default 100).</summary>
    public int MinRows { get; init; } = 100;

    /// <summary>A numeric input drifts at this PSI over the baseline's decile bins or more (default 0.1, as the Learning drift report).</summary>
    public double FeaturePsiThreshold { get; init; } = 0.1;

    /// <summary>A categorical input drifts at this natural-log Jensen–Shannon distance or more (default 0.1).</summary>
    public double CategoricalDistanceThreshold { get; init; } = 0.1;

    /// <summary>The score (prediction) drifts at this PSI over the baseline score bins or more (default 0.2).</summary>
    public double PredictionPsiThreshold { get; init; } = 0.2;

    /// <summary>Alert when at least this share of the measured inputs drifted (default 0.5, Evidently's drift share); 0 alerts on any drifted input.</summary>
    public double DriftedShare { get; init; } = 0.5;

    /// <summary>The probability output's class that counts as positive (default: the last class of the probabilities, which our exports put last).</summary>
    public string? PositiveClass { get; init; }

    /// <summary>Realized AUROC below this raises an accuracy alert (default 0.7).</summary>
    public double MinAuroc { get; init; } = 0.7;

    /// <summary>Realized log-loss above this raises an accuracy alert (default: none).</summary>
    public double? MaxLogLoss { get; init; }

    /// <summary>Realized accuracy at threshold 0.5 below this raises an accuracy alert (default: none).</summary>
    public double? MinAccuracy { get; init; }

    /// <summary>Fewer labelled rows than this: realized metrics are recorded, no alert is raised (default 200).</summary>
    public int MinLabelledRows { get; init; } = 200;

    /// <summary>Retrain on this schedule whatever else happens (default: never by schedule).</summary>
    public TimeSpan? RetrainEvery { get; init; }

    /// <summary>Retrain when a drift window breaches (default true).</summary>
    public bool RetrainOnDrift { get; init; } = true;

    /// <summary>Retrain when realized accuracy breaches (default true).</summary>
    public bool RetrainOnAccuracyDrop { get; init; } = true;

    /// <summary>Retrain once this many new labelled rows arrived since the last retrain (default: never by count).</summary>
    public int? RetrainAfterLabelledRows { get; init; }

    /// <summary>Labelled rows a retrain needs at least (default 500).</summary>
    public int MinRetrainRows { get; init; } = 500;

    /// <summary>Share of the fresh labelled window held out to measure the retrained model, the latest rows (default 0.2).</summary>
    public double RetrainHoldout { get; init; } = 0.2;

    /// <summary>The challenger's AUROC must beat the champion's by at least this much (default 0.005).</summary>
    public double ChallengerMargin { get; init; } = 0.005;

    /// <summary>Significance level of the DeLong test the challenger's AUROC gain must pass (default 0.05, two-sided).</summary>
    public double ChallengerAlpha { get; init; } = 0.05;

    /// <summary>Who is told besides the model's owner: e-mail addresses of the data scientists (default none).</summary>
    public IReadOnlyList<string> Notify { get; init; } = [];

    /// <summary>The problems with these settings, each naming its setting; empty when valid.</summary>
    public IReadOnlyList<string> Problems(string model)
    {
        var problems = new List<string>();
        string at = $"Monitoring:Models:{model}:";
        if (Window <= TimeSpan.Zero) problems.Add(at + "Window must be positive.");
        if (RunEvery <= TimeSpan.Zero) problems.Add(at + "RunEvery must be positive.");
        if (AccuracyWindow <= TimeSpan.Zero) problems.Add(at + "AccuracyWindow must be positive.");
        if (RetrainCooldown < TimeSpan.Zero) problems.Add(at + "RetrainCooldown must be 0 or more.");
        if (MinRows < 1) problems.Add(at + "MinRows must be 1 or more.");
        if (!(FeaturePsiThreshold > 0)) problems.Add(at + "FeaturePsiThreshold must be positive.");
        if (!(CategoricalDistanceThreshold is > 0 and <= 1)) problems.Add(at + "CategoricalDistanceThreshold must be in (0, 1].");
        if (!(PredictionPsiThreshold > 0)) problems.Add(at + "PredictionPsiThreshold must be positive.");
        if (!(DriftedShare is >= 0 and <= 1)) problems.Add(at + "DriftedShare must be in [0, 1].");
        if (!(MinAuroc is >= 0 and <= 1)) problems.Add(at + "MinAuroc must be in [0, 1].");
        if (MinAccuracy is { } a && !(a is >= 0 and <= 1)) problems.Add(at + "MinAccuracy must be in [0, 1].");
        if (MaxLogLoss is { } l && !(l > 0)) problems.Add(at + "MaxLogLoss must be positive.");
        if (RetrainEvery is { } every && every <= TimeSpan.Zero) problems.Add(at + "RetrainEvery must be positive.");
        if (RetrainAfterLabelledRows is < 1) problems.Add(at + "RetrainAfterLabelledRows must be 1 or more.");
        if (MinRetrainRows < 10) problems.Add(at + "MinRetrainRows must be 10 or more.");
        if (!(RetrainHoldout is > 0 and < 1)) problems.Add(at + "RetrainHoldout must be in (0, 1).");
        if (!(ChallengerMargin >= 0)) problems.Add(at + "ChallengerMargin must be 0 or more.");
        if (!(ChallengerAlpha is > 0 and < 1)) problems.Add(at + "ChallengerAlpha must be in (0, 1).");
        return problems;
    }
}
