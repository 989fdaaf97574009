using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModelOps.Registry;
using static ModelOps.Hosting.ProblemMiddleware;

namespace ModelOps.Hosting.Registry;

/// <summary>The registry's exceptions as RFC 7807 problems: what the client got wrong, and which field.</summary>
public sealed class RegistryProblemMapping : IProblemMapping
{
    /// <inheritdoc />
    public ProblemDetails? TryMap(Exception exception) => exception switch
    {
        InvalidRegistryRequestException e => WithExtension(Problem(StatusCodes.Status400BadRequest, "Invalid request", e.Message), "field", e.Field),
        RegistryNotFoundException e => Problem(StatusCodes.Status404NotFound, "Not found", e.Message),
        DuplicateVersionException e => Problem(StatusCodes.Status409Conflict, "Duplicate version", e.Message),
        InvalidStatusTransitionException e => Problem(StatusCodes.Status409Conflict, "Invalid status transition", e.Message),
        VersionInUseException e => Problem(StatusCodes.Status409Conflict, "Version in use", e.Message),
        ChampionWithoutMetricsException e => Problem(StatusCodes.Status409Conflict, "Champion needs held-out metrics", e.Message),
        RegistryPreconditionFailedException e => Problem(StatusCodes.Status412PreconditionFailed, "Precondition failed", e.Message),
        ArtifactTooLargeException e => Problem(StatusCodes.Status413PayloadTooLarge, "Artifact too large", e.Message),
        InvalidModelException e => WithExtension(Problem(StatusCodes.Status422UnprocessableEntity, "Invalid model", e.Message), "reasons", e.Reasons.ToArray()),
        _ => null,
    };
}
