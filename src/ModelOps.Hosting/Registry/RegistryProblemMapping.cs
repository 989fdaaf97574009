using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModelOps.Registry;

namespace ModelOps.Hosting.Registry;

/// <summary>The registry's exceptions as RFC 7807 problems: what the client got wrong, and which field.</summary>
public sealed class RegistryProblemMapping : IProblemMapping
{
    /// <inheritdoc />
    public ProblemDetails? TryMap(Exception exception)
    {
        ProblemDetails? problem = exception switch
        {
            InvalidRegistryRequestException e => WithField(ProblemExceptionHandler.Problem(StatusCodes.Status400BadRequest, "Invalid request", e.Message), e.Field),
            RegistryNotFoundException e => ProblemExceptionHandler.Problem(StatusCodes.Status404NotFound, "Not found", e.Message),
            DuplicateVersionException e => ProblemExceptionHandler.Problem(StatusCodes.Status409Conflict, "Duplicate version", e.Message),
            InvalidStatusTransitionException e => ProblemExceptionHandler.Problem(StatusCodes.Status409Conflict, "Invalid status transition", e.Message),
            VersionInUseException e => ProblemExceptionHandler.Problem(StatusCodes.Status409Conflict, "Version in use", e.Message),
            RegistryPreconditionFailedException e => ProblemExceptionHandler.Problem(StatusCodes.Status412PreconditionFailed, "Precondition failed", e.Message),
            ArtifactTooLargeException e => ProblemExceptionHandler.Problem(StatusCodes.Status413PayloadTooLarge, "Artifact too large", e.Message),
            InvalidModelException e => WithReasons(ProblemExceptionHandler.Problem(StatusCodes.Status422UnprocessableEntity, "Invalid model", e.Message), e.Reasons),
            _ => null,
        };
        return problem;
    }

    private static ProblemDetails WithField(ProblemDetails problem, string field)
    {
        problem.Extensions["field"] = field;
        return problem;
    }

    private static ProblemDetails WithReasons(ProblemDetails problem, IReadOnlyList<string> reasons)
    {
        problem.Extensions["reasons"] = reasons.ToArray();
        return problem;
    }
}
