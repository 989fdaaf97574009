using ModelOps.Learning.Drift;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring.Payloads;

namespace ModelOps.Monitoring.Drift;

/// <summary>
/// The live traffic of one version over one window, counted into its baseline profile's own bins and categories
/// as the rows stream past: memory is the baseline's size plus the categories seen, whatever the row count.
/// <see cref="Report"/> compares the counts with the baseline using the Learning drift statistics.
/// </summary>
public sealed class WindowProfile
{
    private readonly BaselineProfile _baseline;
    private readonly long[][] _numeric;
    private readonly Dictionary<string, long>[] _categorical;
    private readonly long[] _score;

    public WindowProfile(BaselineProfile baseline)
    {
        _baseline = baseline ?? throw new ArgumentNullException(nameof(baseline));
        _numeric = baseline.Numeric.Select(n => new long[n.Edges.Length + 1]).ToArray();
        _categorical = baseline.Categorical.Select(_ => new Dictionary<string, long>(StringComparer.Ordinal)).ToArray();
        _score = new long[baseline.Score.Edges.Length + 1];
    }

    /// <summary>Rows counted.</summary>
    public long Rows { get; private set; }

    /// <summary>Counts one scored row: each baseline input it carries, and its score.</summary>
    public void Add(LoggedPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        Rows++;
        for (int i = 0; i < _numeric.Length; i++)
        {
            NumericProfile profile = _baseline.Numeric[i];
            if (prediction.Features.TryGetValue(profile.Column, out FeatureValue value) && value.AsNumber() is var x && !double.IsNaN(x))
            {
                _numeric[i][profile.Bin(x)]++;
            }
        }

        for (int i = 0; i < _categorical.Length; i++)
        {
            if (prediction.Features.TryGetValue(_baseline.Categorical[i].Column, out FeatureValue value) && value.AsCategory() is { } level)
            {
                ref long count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_categorical[i], level, out _);
                count++;
            }
        }

        if (!double.IsNaN(prediction.Score))
        {
            _score[_baseline.Score.Bin(prediction.Score)]++;
        }
    }

    /// <summary>
    /// Drift of the window against the baseline, with the policy's thresholds: numeric inputs by PSI over the
    /// baseline's decile bins, categorical inputs by the natural-log Jensen–Shannon distance (or, for a baseline of
    /// at most 1,000 rows, the chi-square p-value with Benjamini–Hochberg control), the score by PSI. Inputs the
    /// window never carried, and identifier-like categorical inputs (every baseline level seen once), are left out.
    /// </summary>
    public DriftWindow Report(string model, int version, DateTimeOffset from, DateTimeOffset to, MonitoringPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var columns = new List<ColumnDrift>();
        var excluded = new List<string>();
        for (int i = 0; i < _numeric.Length; i++)
        {
            NumericProfile profile = _baseline.Numeric[i];
            if (_numeric[i].Sum() == 0)
            {
                excluded.Add(profile.Column);
                continue;
            }

            double psi = profile.Psi(_numeric[i]);
            columns.Add(new ColumnDrift(profile.Column, "numeric", "psi", psi, null, null, null, null, null, null, psi, policy.FeaturePsiThreshold, psi >= policy.FeaturePsiThreshold)
            {
                Statistic = "PSI over the baseline's decile bins (natural log, ε = 1e-4)",
            });
        }

        for (int i = 0; i < _categorical.Length; i++)
        {
            CategoricalProfile profile = _baseline.Categorical[i];
            Dictionary<string, long> counts = _categorical[i];
            bool identifierLike = profile.ReferenceCounts.Count >= 2 && profile.ReferenceCounts.Values.All(c => c == 1);
            if (identifierLike || counts.Count == 0)
            {
                excluded.Add(profile.Column);
                continue;
            }

            string[] categories = profile.ReferenceCounts.Keys.Union(counts.Keys).Order(StringComparer.Ordinal).ToArray();
            long[] reference = categories.Select(c => profile.ReferenceCounts.GetValueOrDefault(c)).ToArray();
            long[] now = categories.Select(c => counts.GetValueOrDefault(c)).ToArray();
            ColumnDrift drift = DriftAnalysis.Categorical(profile.Column, reference, now, reference.Sum() <= DriftAnalysis.SmallSample);
            columns.Add(drift.Method == "jensen_shannon"
                ? drift with { Threshold = policy.CategoricalDistanceThreshold, Drifted = drift.Score >= policy.CategoricalDistanceThreshold }
                : drift);
        }

        DriftReport features = DriftAnalysis.Verdict(columns, excluded, "training baseline profile");
        ColumnDrift? prediction = null;
        if (_score.Sum() > 0)
        {
            double psi = _baseline.Score.Psi(_score);
            prediction = new ColumnDrift("score", "numeric", "psi", psi, null, null, null, null, null, null, psi, policy.PredictionPsiThreshold, psi >= policy.PredictionPsiThreshold)
            {
                Statistic = "PSI of the score over the baseline's score decile bins",
            };
        }

        return DriftWindow.Decide(model, version, from, to, Rows, features, prediction, policy);
    }
}
