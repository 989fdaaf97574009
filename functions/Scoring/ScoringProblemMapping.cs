using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModelOps.Hosting;
using static ModelOps.Hosting.ProblemMiddleware;

namespace ModelOps.Scoring.Functions;

/// <summary>
/// Scoring's exceptions as RFC 7807 problems: a request that does not fit the model is a 400 listing every
/// <c>{row, field, problem}</c> in <c>errors</c>; a body over the size or row limit a 413 naming the limit; a model switched off or that cannot be
/// served right now a 503 with <c>Retry-After</c>. Unknown models, aliases and versions are the registry's 404.
/// </summary>
public sealed class ScoringProblemMapping : IProblemMapping
{
    /// <summary>How long a client should wait before retrying a model that cannot be loaded or reached.</summary>
    public const int UnavailableRetryAfterSeconds = 5;

    /// <inheritdoc />
    public ProblemDetails? TryMap(Exception exception) => exception switch
    {
        ScoringValidationException e => WithExtension(Problem(StatusCodes.Status400BadRequest, "Invalid scoring request", e.Message), "errors",
            JsonSerializer.SerializeToElement(e.Errors.ToArray(), ScoringJsonContext.Default.FieldErrorArray)),
        RequestTooLargeException e => WithExtension(Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", e.Message), "limit", e.Limit),
        TooManyRowsException e => WithExtension(WithExtension(Problem(StatusCodes.Status413PayloadTooLarge, "Too many rows", e.Message), "limit", e.Limit), "field", "rows"),
        ScoringDisabledException e => WithExtension(Problem(StatusCodes.Status503ServiceUnavailable, "Scoring switched off", e.Message),
            RetryAfterExtension, Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds))),
        ModelUnavailableException e => WithExtension(Problem(StatusCodes.Status503ServiceUnavailable, "Model unavailable", e.Message),
            RetryAfterExtension, UnavailableRetryAfterSeconds),
        _ => null,
    };
}
