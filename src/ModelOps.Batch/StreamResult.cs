using ModelOps.Scoring;

namespace ModelOps.Batch;

/// <summary>
/// What the streaming function writes to its output queue for one message: the scores (as the HTTP answer gives
/// them) or, for a message that cannot be scored, the reason and every field problem.
/// </summary>
public sealed record StreamResult(string? RequestId, string? Model, IReadOnlyList<RowScore>? Rows, string? Error = null, IReadOnlyList<FieldError>? Errors = null);

/// <summary>One job as <c>modelops jobs list</c> shows it: its definition and its last run.</summary>
public sealed record JobSummary(string Name, string Model, string Alias, string Source, string? Schedule, int ChunkSize, string Origin, string? LastRunId, RunState? LastState);
