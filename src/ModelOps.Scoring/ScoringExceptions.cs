namespace ModelOps.Scoring;

/// <summary>One thing wrong with a request: the row (0-based; null for the body as a whole), the field, and what is wrong.</summary>
public sealed record FieldError(int? Row, string Field, string Problem);

/// <summary>The root of scoring's client-facing errors; the HTTP layer maps each kind to one status.</summary>
public abstract class ScoringException : Exception
{
    protected ScoringException(string message)
        : base(message)
    {
    }

    protected ScoringException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

/// <summary>The request does not fit the model's schema, or its body is not valid JSON (HTTP 400). Every problem found is listed.</summary>
public sealed class ScoringValidationException(IReadOnlyList<FieldError> errors)
    : ScoringException(errors.Count == 1 ? Describe(errors[0]) : $"{errors.Count} problems with the request; the first: {Describe(errors[0])}")
{
    /// <summary>Every problem, in row and field order.</summary>
    public IReadOnlyList<FieldError> Errors { get; } = errors;

    private static string Describe(FieldError e) => e.Row is { } row ? $"row {row}, '{e.Field}': {e.Problem}" : $"'{e.Field}': {e.Problem}";
}

/// <summary>The body is larger than the limit (HTTP 413).</summary>
public sealed class RequestTooLargeException(long bytes, long limit)
    : ScoringException($"The body is {bytes} bytes; the limit is {limit} (Scoring__MaxBodyBytes).")
{
    public long Limit { get; } = limit;
}

/// <summary>The body holds more rows than one request may (HTTP 413); the limit is named, not a JSON position.</summary>
public sealed class TooManyRowsException(int limit)
    : ScoringException($"The body has more than {limit} rows; the limit is {limit} rows per request (Scoring__MaxRows). Send the rest in further requests.")
{
    public int Limit { get; } = limit;
}

/// <summary>Scoring is switched off for the model and no fallback alias is set (HTTP 503 with Retry-After).</summary>
public sealed class ScoringDisabledException(string model, TimeSpan retryAfter)
    : ScoringException($"Scoring of '{model}' is switched off.")
{
    public string Model { get; } = model;

    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// The model version exists but cannot be served right now: it does not load, or storage is unreachable and it is
/// not cached (HTTP 503). The message is what a client may read; the cause (which may name storage endpoints) is
/// kept as the inner exception for the logs only.
/// </summary>
public sealed class ModelUnavailableException : ScoringException
{
    public ModelUnavailableException(string message)
        : base(message)
    {
    }

    public ModelUnavailableException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
