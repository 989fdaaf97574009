using System.Globalization;
using ModelOps.Learning.Evaluation;
using ModelOps.Learning.Fairness;
using ModelOps.Learning.Pipelines;

namespace ModelOps.Registry.Promotion;

/// <summary>
/// The gates a challenger passes before anyone is asked to approve it: metrics against the champion on the same
/// labelled rows (a minimum AUROC gain and DeLong's test), group fairness for the sensitive column, schema
/// compatibility with the champion, the jurisdiction's forbidden features, and artifact validation. Pure and
/// deterministic: the same evidence always gives the same report, so an orchestration may call it on replay.
/// </summary>
public sealed class PromotionGates
{
    private readonly PromotionGateOptions _options;

    /// <summary>Gates with <paramref name="options"/>; throws when the options are invalid.</summary>
    public PromotionGates(PromotionGateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = options.Problems();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        _options = options;
    }

    /// <summary>Judges <paramref name="evidence"/>; every gate runs, so a failed request lists all its reasons.</summary>
    public GateReport Evaluate(GateEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        LabelledScores scores = evidence.Scores;
        if (scores.Challenger.Count != scores.Outcomes.Count || (scores.Champion is { } c && c.Count != scores.Outcomes.Count))
        {
            throw new ArgumentException("Challenger and champion must be scored on the same labelled rows.", nameof(evidence));
        }

        bool[] outcomes = scores.Outcomes.ToArray();
        double[] challenger = scores.Challenger.ToArray();
        double challengerAuroc = BinaryClassificationReport.Evaluate(challenger, outcomes).Auroc;
        (GateResult metrics, AurocComparison? comparison) = Metrics(challenger, scores.Champion?.ToArray(), outcomes, challengerAuroc);
        (GateResult fairness, FairnessReport? fairnessReport) = Fairness(challenger, outcomes, scores.SensitiveGroups);
        return new GateReport(
            [metrics, fairness, Schema(evidence), ForbiddenFeatures(evidence.Challenger), Artifact(evidence.ArtifactProblems)],
            comparison,
            challengerAuroc,
            fairnessReport);
    }

    private (GateResult, AurocComparison?) Metrics(double[] challenger, double[]? champion, bool[] outcomes, double challengerAuroc)
    {
        if (champion is null)
        {
            return (new GateResult(GateNames.Metrics, true, [$"no champion to compare with; challenger AUROC {F(challengerAuroc)}."]), null);
        }

        AurocComparison comparison = DeLongTest.Compare(challenger, champion, outcomes);
        var reasons = new List<string>();
        bool passed = true;
        string summary = $"AUROC {F(comparison.AurocA)} against the champion's {F(comparison.AurocB)} (gain {F(comparison.Difference)}, DeLong z {F(comparison.Z)}, p {comparison.PValue.ToString("G3", CultureInfo.InvariantCulture)}).";
        if (comparison.Difference < _options.MinimumAurocGain)
        {
            passed = false;
            reasons.Add($"AUROC gain {F(comparison.Difference)} is below the required {F(_options.MinimumAurocGain)}.");
        }

        if (_options.RequireSignificantGain && !(comparison.Difference > 0 && comparison.IsSignificant(_options.SignificanceLevel)))
        {
            passed = false;
            reasons.Add($"the gain is not significant by DeLong's test at {_options.SignificanceLevel.ToString(CultureInfo.InvariantCulture)} (p {comparison.PValue.ToString("G3", CultureInfo.InvariantCulture)}).");
        }

        reasons.Add(summary);
        return (new GateResult(GateNames.Metrics, passed, reasons), comparison);
    }

    private (GateResult, FairnessReport?) Fairness(double[] challenger, bool[] outcomes, IReadOnlyList<string>? groups)
    {
        if (_options.SensitiveColumn is not { } column)
        {
            return (new GateResult(GateNames.Fairness, true, ["no sensitive column is configured."]), null);
        }

        if (groups is null || groups.Count != outcomes.Length)
        {
            return (new GateResult(GateNames.Fairness, false, [$"the labelled rows carry no values of the sensitive column '{column}'."]), null);
        }

        FairnessReport report = FairnessReport.Evaluate(column, groups, challenger, outcomes, _options.DecisionThreshold);
        var reasons = new List<string>();
        if (!(report.DisparateImpact >= _options.MinimumDisparateImpact))
        {
            reasons.Add($"disparate-impact ratio {F(report.DisparateImpact)} for '{column}' is below {F(_options.MinimumDisparateImpact)}.");
        }

        if (double.IsNaN(report.EqualOpportunityDifference) || report.EqualOpportunityDifference > _options.MaximumEqualOpportunityDifference)
        {
            reasons.Add($"equal-opportunity difference {F(report.EqualOpportunityDifference)} for '{column}' is above {F(_options.MaximumEqualOpportunityDifference)}.");
        }

        bool passed = reasons.Count == 0;
        if (passed)
        {
            reasons.Add($"disparate impact {F(report.DisparateImpact)}, equal-opportunity difference {F(report.EqualOpportunityDifference)} for '{column}'.");
        }

        return (new GateResult(GateNames.Fairness, passed, reasons), report);
    }

    private static GateResult Schema(GateEvidence evidence)
    {
        if (evidence.Champion is null)
        {
            return new GateResult(GateNames.Schema, true, ["no champion to be compatible with."]);
        }

        IReadOnlyList<string> changes = SchemaCompatibility.BreakingChanges(evidence.Champion, evidence.Challenger);
        if (changes.Count == 0)
        {
            return new GateResult(GateNames.Schema, true, ["inputs are compatible with the champion's."]);
        }

        return evidence.Request.AllowBreakingSchema
            ? new GateResult(GateNames.Schema, true, [.. changes.Select(c => "allowed by the request: " + c)])
            : new GateResult(GateNames.Schema, false, changes);
    }

    /// <summary>
    /// The challenger's inputs against what its jurisdiction forbids: the pipeline spec's own policies when it carries
    /// them, else the configured <see cref="PromotionGateOptions.Jurisdiction"/> and its forbidden features, matched
    /// against the registered input names (what the artifact really takes).
    /// </summary>
    private GateResult ForbiddenFeatures(CandidateFacts challenger)
    {
        string jurisdiction;
        IReadOnlyList<string>? forbidden;
        if (challenger.Spec?.Policies is { Jurisdiction: { } specJurisdiction } policies)
        {
            jurisdiction = specJurisdiction;
            forbidden = policies.ForbiddenFeatures.TryGetValue(jurisdiction, out IReadOnlyList<string>? listed) ? listed : null;
        }
        else if (_options.Jurisdiction is { Length: > 0 } configured)
        {
            jurisdiction = configured;
            forbidden = _options.ForbiddenFeatureNames();
        }
        else
        {
            return new GateResult(GateNames.ForbiddenFeatures, true, ["no jurisdiction is named (neither by the pipeline spec nor by Promotion:Jurisdiction)."]);
        }

        if (forbidden is null || forbidden.Count == 0)
        {
            return new GateResult(GateNames.ForbiddenFeatures, true, [$"jurisdiction '{jurisdiction}' forbids no features."]);
        }

        var used = new HashSet<string>(challenger.Schema.Inputs.Select(i => i.Name), StringComparer.OrdinalIgnoreCase);
        used.UnionWith(challenger.Spec?.Inputs.Select(i => i.Name) ?? []);
        string[] violations = forbidden.Where(used.Contains).Order(StringComparer.Ordinal).ToArray();
        return violations.Length == 0
            ? new GateResult(GateNames.ForbiddenFeatures, true, [$"no feature forbidden in '{jurisdiction}' is used."])
            : new GateResult(GateNames.ForbiddenFeatures, false, [.. violations.Select(v => $"input '{v}' is forbidden in jurisdiction '{jurisdiction}'.")]);
    }

    private static GateResult Artifact(IReadOnlyList<string> problems) =>
        problems.Count == 0
            ? new GateResult(GateNames.Artifact, true, ["the artifact loads, matches its schema and scores."])
            : new GateResult(GateNames.Artifact, false, problems);

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
