using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModelOps.Hosting;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring.Challengers;
using ModelOps.Monitoring.Retraining;

namespace ModelOps.Pipelines.Monitoring;

/// <summary>An outcome batch or spec the client got wrong; <see cref="Field"/> names where (e.g. <c>outcomes[3].label</c>).</summary>
public sealed class InvalidMonitoringRequestException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>Monitoring's exceptions as RFC 7807 problems.</summary>
public sealed class MonitoringProblemMapping : IProblemMapping
{
    /// <inheritdoc />
    public ProblemDetails? TryMap(Exception exception) => exception switch
    {
        InvalidMonitoringRequestException e => ProblemMiddleware.WithExtension(ProblemMiddleware.Problem(StatusCodes.Status400BadRequest, "Invalid request", e.Message), "field", e.Field),
        InvalidPipelineSpecException e => ProblemMiddleware.WithExtension(ProblemMiddleware.Problem(StatusCodes.Status400BadRequest, "Invalid pipeline spec", e.Message), "field", "spec"),
        InsufficientLabelsException e => ProblemMiddleware.Problem(StatusCodes.Status409Conflict, "Not enough labelled rows", e.Message),
        PipelineSpecNotFoundException e => ProblemMiddleware.Problem(StatusCodes.Status409Conflict, "Pipeline spec not stored", e.Message),
        NotComparableException e => ProblemMiddleware.Problem(StatusCodes.Status409Conflict, "Not comparable", e.Message),
        _ => null,
    };
}
