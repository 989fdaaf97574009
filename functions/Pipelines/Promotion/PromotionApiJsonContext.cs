using System.Text.Json.Serialization;
using ModelOps.Hosting;
using ModelOps.Registry.Promotion;

namespace ModelOps.Pipelines.Promotion;

/// <summary>Source-generated JSON for the promotion API's bodies (camelCase, enums as strings).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PromotionApplication))]
[JsonSerializable(typeof(PromotionAccepted))]
[JsonSerializable(typeof(PromotionStatus))]
[JsonSerializable(typeof(IReadOnlyList<PromotionStatus>))]
[JsonSerializable(typeof(PromotionCancellation))]
public sealed partial class PromotionApiJsonContext : JsonSerializerContext;

/// <summary>The promotion flow's exceptions as RFC 7807 problems.</summary>
public sealed class PromotionProblemMapping : IProblemMapping
{
    /// <inheritdoc />
    public Microsoft.AspNetCore.Mvc.ProblemDetails? TryMap(Exception exception) => exception switch
    {
        InvalidPromotionRequestException e => ProblemMiddleware.WithExtension(ProblemMiddleware.Problem(400, "Invalid promotion request", e.Message), "errors", e.Problems.ToArray()),
        PromotionAlreadyOpenException e => ProblemMiddleware.WithExtension(ProblemMiddleware.Problem(409, "Promotion already open", e.Message), "requestId", e.RequestId),
        PromotionNotOpenException e => ProblemMiddleware.WithExtension(ProblemMiddleware.Problem(409, "Promotion not open", e.Message), "requestId", e.RequestId),
        PromotionNotConfiguredException e => ProblemMiddleware.WithExtension(ProblemMiddleware.Problem(503, "Promotion not configured", e.Message), "errors", e.Problems.ToArray()),
        _ => null,
    };
}
