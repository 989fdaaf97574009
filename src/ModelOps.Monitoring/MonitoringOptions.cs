namespace ModelOps.Monitoring;

/// <summary>
/// The monitored models and their policies (section <c>Monitoring</c>): <c>Monitoring__Models__churn__MinAuroc=0.75</c>
/// watches <c>churn</c> with that threshold and the defaults of <see cref="MonitoringPolicy"/> for the rest.
/// </summary>
public sealed class MonitoringOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Monitoring";

    /// <summary>The models watched, by name.</summary>
    public Dictionary<string, MonitoringPolicy> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The policy of <paramref name="model"/>; the defaults for a model not listed.</summary>
    public MonitoringPolicy For(string model) => Models.TryGetValue(model, out MonitoringPolicy? policy) ? policy : new MonitoringPolicy();

    /// <summary>The problems with every model's policy, each naming its setting; empty when valid.</summary>
    public IReadOnlyList<string> Problems() => Models.SelectMany(m => m.Value.Problems(m.Key)).ToArray();
}
