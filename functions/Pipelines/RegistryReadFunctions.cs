using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ModelOps.Registry;

namespace ModelOps.Pipelines;

/// <summary>
/// The registry's read functions (<c>authLevel: function</c>): each parses the route and query, calls
/// <see cref="ModelRegistry"/> and answers JSON; every error becomes a problem in the problem middleware.
/// </summary>
public sealed class RegistryReadFunctions(ModelRegistry registry)
{
    [Function("registry-models")]
    public async Task<IActionResult> Search(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models")] HttpRequest req, FunctionContext context)
    {
        IQueryCollection q = req.Query;
        var query = new ModelQuery(Text(q, "prefix"), Text(q, "tag"), Text(q, "owner"), Status(q), Text(q, "metric"), Number(q, "min"));
        return new OkObjectResult(await registry.SearchAsync(query, context.CancellationToken));
    }

    [Function("registry-model")]
    public async Task<IActionResult> Details(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{model}")] HttpRequest req, string model, FunctionContext context)
    {
        CancellationToken ct = context.CancellationToken;
        return new OkObjectResult(new ModelDetails(
            await registry.GetModelAsync(model, ct), await registry.ListVersionsAsync(model, ct), await registry.ListAliasesAsync(model, ct)));
    }

    [Function("registry-card")]
    public async Task<IActionResult> Card(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{model}/card")] HttpRequest req, string model, FunctionContext context) =>
        new OkObjectResult((await registry.GetModelAsync(model, context.CancellationToken)).Card);

    [Function("registry-dependents")]
    public async Task<IActionResult> Dependents(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{model}/dependents")] HttpRequest req, string model, FunctionContext context) =>
        new OkObjectResult(await registry.DependentsOfAsync(model, context.CancellationToken));

    [Function("registry-version")]
    public async Task<IActionResult> Version(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{model}/versions/{version:int}")] HttpRequest req, string model, int version, FunctionContext context) =>
        new OkObjectResult(await registry.GetVersionAsync(model, version, context.CancellationToken));

    /// <summary>The audit of a model; a model that was never registered has none and is a 404 (every registration is audited).</summary>
    [Function("registry-audit")]
    public async Task<IActionResult> Audit(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{model}/audit")] HttpRequest req, string model, FunctionContext context)
    {
        IReadOnlyList<AuditEntry> entries = await registry.ReadAuditAsync(model, context.CancellationToken);
        return entries.Count > 0 ? new OkObjectResult(entries) : throw new RegistryNotFoundException($"Model '{model}'");
    }

    [Function("registry-verify")]
    public async Task<IActionResult> Verify(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{model}/audit/verify")] HttpRequest req, string model, FunctionContext context)
    {
        AuditVerification verification = await registry.VerifyAuditAsync(model, context.CancellationToken);
        return verification.EntriesChecked > 0 ? new OkObjectResult(verification) : throw new RegistryNotFoundException($"Model '{model}'");
    }

    private static string? Text(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } value ? value : null;

    private static VersionStatus? Status(IQueryCollection query) =>
        Text(query, "status") is not { } text ? null
        : Enum.TryParse(text, ignoreCase: true, out VersionStatus status) && Enum.IsDefined(status) ? status
        : throw new InvalidRegistryRequestException("status", $"must be one of {string.Join(", ", Enum.GetNames<VersionStatus>())}.");

    private static double? Number(IQueryCollection query, string name) =>
        Text(query, name) is not { } text ? null
        : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value
        : throw new InvalidRegistryRequestException(name, "must be a number.");
}
