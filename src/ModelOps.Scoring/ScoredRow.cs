namespace ModelOps.Scoring;

/// <summary>One reason code: a raw column and how much it moved the raw score (log-odds for classifiers) from the base value.</summary>
public sealed record ReasonCode(string Column, double Contribution);

/// <summary>
/// What a model returned for one row. Our exported pipelines fill <see cref="Label"/> and
/// <see cref="Probabilities"/> (by class) or <see cref="Value"/>; any other model fills <see cref="Outputs"/>
/// (numeric outputs, the row's slice) and <see cref="Labels"/> (string outputs).
/// </summary>
public sealed record RowOutputs(
    string? Label = null,
    IReadOnlyDictionary<string, double>? Probabilities = null,
    double? Value = null,
    IReadOnlyDictionary<string, double[]>? Outputs = null,
    IReadOnlyDictionary<string, string>? Labels = null);
