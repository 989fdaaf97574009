namespace ModelOps.Scoring;

/// <summary>
/// One scoring call: the model, the raw body (one row object or <c>{"rows": [...], "explain": k}</c>), and what
/// to serve it from — an explicit <see cref="Version"/>, an explicit <see cref="Alias"/>, or (neither) the model's
/// routing, which falls back to <c>champion</c>. <see cref="Explain"/> overrides the body's <c>explain</c>;
/// <see cref="KeyField"/> (else the routing's) names the field that holds each row's entity key.
/// </summary>
public sealed record ScoreRequest(string Model, ReadOnlyMemory<byte> Body, string RequestId, string? Alias = null, int? Version = null, int? Explain = null, string? KeyField = null);

/// <summary>What one row got: the score, and who served it (alias, version, engine).</summary>
public sealed record RowScore(
    int Row,
    string? Key,
    string Alias,
    int Version,
    string Engine,
    string? Label,
    IReadOnlyDictionary<string, double>? Probabilities,
    double? Value,
    IReadOnlyDictionary<string, double[]>? Outputs,
    IReadOnlyDictionary<string, string>? Labels,
    IReadOnlyList<ReasonCode>? Reasons);

/// <summary>The answer to a <see cref="ScoreRequest"/>: one <see cref="RowScore"/> per row, in request order.</summary>
public sealed record ScoreResponse(string Model, string RequestId, IReadOnlyList<RowScore> Rows);
