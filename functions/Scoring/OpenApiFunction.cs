using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ModelOps.Scoring.Functions;

/// <summary>
/// <c>GET /api/openapi.json</c>: the OpenAPI 3 document of the scoring API, written by hand from the wire types
/// (<see cref="ScoreResponse"/>, <see cref="ServedSchema"/>, <see cref="FieldError"/>) and shipped inside the assembly.
/// </summary>
public sealed class OpenApiFunction
{
    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using Stream stream = typeof(OpenApiFunction).Assembly.GetManifestResourceStream("ModelOps.Scoring.Functions.openapi.json")
            ?? throw new InvalidOperationException("The OpenAPI document is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    [Function("openapi")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Function, "get", Route = "openapi.json")] HttpRequest req) =>
        new FileContentResult(Document.Value, "application/json");
}
