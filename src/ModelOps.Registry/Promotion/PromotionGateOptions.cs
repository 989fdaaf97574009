namespace ModelOps.Registry.Promotion;

/// <summary>
/// What a challenger must show before anyone is asked to approve it (section <c>Promotion</c>, e.g.
/// <c>Promotion__MinimumAurocGain</c>, <c>Promotion__SensitiveColumn</c>).
/// </summary>
public sealed class PromotionGateOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Promotion";

    /// <summary>The smallest AUROC gain over the champion on the same labelled rows (default 0: at least as good).</summary>
    public double MinimumAurocGain { get; set; }

    /// <summary>When true (the default), the gain must also be significant by DeLong's test at <see cref="SignificanceLevel"/>.</summary>
    public bool RequireSignificantGain { get; set; } = true;

    /// <summary>Two-sided significance level of DeLong's test (default 0.05).</summary>
    public double SignificanceLevel { get; set; } = 0.05;

    /// <summary>The column whose groups fairness compares (e.g. <c>sex</c>); none: the fairness gate is not applied.</summary>
    public string? SensitiveColumn { get; set; }

    /// <summary>The lowest disparate-impact ratio accepted (the four-fifths rule: 0.8).</summary>
    public double MinimumDisparateImpact { get; set; } = 0.8;

    /// <summary>The largest equal-opportunity difference accepted (default 0.1).</summary>
    public double MaximumEqualOpportunityDifference { get; set; } = 0.1;

    /// <summary>The decision threshold that selection rates and true-positive rates are counted at (default 0.5).</summary>
    public double DecisionThreshold { get; set; } = 0.5;

    /// <summary>
    /// The jurisdiction the models here serve (e.g. <c>EU</c>), for models whose artifact carries no pipeline spec with
    /// its own policies; <see cref="ForbiddenFeatures"/> lists what it forbids.
    /// </summary>
    public string? Jurisdiction { get; set; }

    /// <summary>Inputs forbidden in <see cref="Jurisdiction"/>, comma-separated (e.g. <c>gender,age</c>); matched against each version's registered input names.</summary>
    public string? ForbiddenFeatures { get; set; }

    /// <summary>The names in <see cref="ForbiddenFeatures"/>.</summary>
    public IReadOnlyList<string> ForbiddenFeatureNames() =>
        (ForbiddenFeatures ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The problems with these settings, each naming its setting; empty when valid (used by ValidateOnStart).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (double.IsNaN(MinimumAurocGain) || MinimumAurocGain is < -1 or > 1) problems.Add("Promotion:MinimumAurocGain must be between -1 and 1.");
        if (SignificanceLevel is not (> 0 and < 1)) problems.Add("Promotion:SignificanceLevel must be between 0 and 1 (exclusive).");
        if (MinimumDisparateImpact is not (>= 0 and <= 1)) problems.Add("Promotion:MinimumDisparateImpact must be between 0 and 1.");
        if (MaximumEqualOpportunityDifference is not (>= 0 and <= 1)) problems.Add("Promotion:MaximumEqualOpportunityDifference must be between 0 and 1.");
        if (DecisionThreshold is not (> 0 and < 1)) problems.Add("Promotion:DecisionThreshold must be between 0 and 1 (exclusive).");
        if (SensitiveColumn is { } column && string.IsNullOrWhiteSpace(column)) problems.Add("Promotion:SensitiveColumn must not be blank.");
        if (ForbiddenFeatureNames().Count > 0 && string.IsNullOrWhiteSpace(Jurisdiction)) problems.Add("Promotion:Jurisdiction must name the jurisdiction whose Promotion:ForbiddenFeatures are listed.");
        return problems;
    }
}
