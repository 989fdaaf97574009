using ModelOps.Learning.Evaluation;
using ModelOps.Learning.Fairness;

namespace ModelOps.Registry.Promotion;

/// <summary>The gates, in the order they are reported.</summary>
public static class GateNames
{
    public const string Metrics = "metrics";
    public const string Fairness = "fairness";
    public const string Schema = "schema";
    public const string ForbiddenFeatures = "forbidden-features";
    public const string Artifact = "artifact";
}

/// <summary>One gate's verdict: passed or not, and the reasons (why it failed, or notes on why it passed).</summary>
public sealed record GateResult(string Gate, bool Passed, IReadOnlyList<string> Reasons);

/// <summary>Every gate's verdict, with the measurements behind the metrics and fairness gates.</summary>
public sealed record GateReport(IReadOnlyList<GateResult> Results, AurocComparison? Comparison, double ChallengerAuroc, FairnessReport? Fairness)
{
    /// <summary>True when every gate passed.</summary>
    public bool Passed => Results.All(r => r.Passed);

    /// <summary>The reasons of the gates that failed, each prefixed with its gate.</summary>
    public IReadOnlyList<string> FailureReasons =>
        Results.Where(r => !r.Passed).SelectMany(r => r.Reasons.Select(reason => $"{r.Gate}: {reason}")).ToArray();
}
