using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ModelOps.Hosting;

namespace ModelOps.Scoring.Functions;

/// <summary>The anonymous health function, <c>GET /api/health</c>.</summary>
public sealed class HealthFunction(AppHealth health, TimeProvider clock)
{
    [Function("health")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req) =>
        new OkObjectResult(health.Report(clock));
}
