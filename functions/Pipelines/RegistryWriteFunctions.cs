using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using ModelOps.Hosting;
using ModelOps.Registry;

namespace ModelOps.Pipelines;

/// <summary>
/// The registry's changing functions (<c>authLevel: function</c>): registration, alias moves, archiving.
/// Each records the caller's principal (<see cref="CallerIdentity"/>) and the reason in the audit.
/// </summary>
public sealed class RegistryWriteFunctions(ModelRegistry registry, RegistryOptions options, CallerIdentity callers)
{
    /// <summary>Room for the metadata part and multipart framing on top of the artifact limit.</summary>
    private const long MetadataAllowance = 1024 * 1024;

    /// <summary>
    /// <c>multipart/form-data</c> with a <c>metadata</c> part (JSON registration) and an <c>artifact</c> part (the ONNX file).
    /// A declared length over the limit is refused before the body is read; an undeclared one is cut off at the limit.
    /// </summary>
    [Function("registry-register")]
    public async Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{model}/versions")] HttpRequest req, string model, FunctionContext context)
    {
        CancellationToken ct = context.CancellationToken;
        long limit = options.MaxArtifactBytes + MetadataAllowance;
        if (req.ContentLength > limit)
        {
            throw new ArtifactTooLargeException(req.ContentLength.Value, options.MaxArtifactBytes);
        }

        if (req.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (!req.HasFormContentType)
        {
            throw new InvalidRegistryRequestException("content-type", "must be multipart/form-data with a 'metadata' part and an 'artifact' part.");
        }

        req.HttpContext.Features.Set<IFormFeature>(new FormFeature(req, new FormOptions { MultipartBodyLengthLimit = limit, ValueLengthLimit = (int)MetadataAllowance }));
        IFormCollection form;
        try
        {
            form = await req.ReadFormAsync(ct);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidRegistryRequestException("body", "is not valid multipart/form-data: " + e.Message);
        }

        IFormFile artifact = form.Files["artifact"] ?? throw new InvalidRegistryRequestException("artifact", "part is missing.");
        string metadata = form["metadata"].ToString() is { Length: > 0 } text ? text
            : form.Files["metadata"] is { } file ? await new StreamReader(file.OpenReadStream()).ReadToEndAsync(ct)
            : "{}";
        RegistrationRequest registration = RegistrationMetadata.Parse(metadata, model);

        if (artifact.Length > options.MaxArtifactBytes)
        {
            throw new ArtifactTooLargeException(artifact.Length, options.MaxArtifactBytes);
        }

        using var buffer = new MemoryStream((int)artifact.Length);
        await artifact.CopyToAsync(buffer, ct);
        string principal = callers.Of(req, context);
        Registration registered = await registry.RegisterVersionAsync(registration, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), principal, ct);
        ModelVersion version = registered.Version;
        string location = $"/api/models/{version.Model}/versions/{version.Version}";

        // Identical bytes are the version that already has them: 200 with that version and where it lives, nothing new created.
        if (registered.Existing)
        {
            req.HttpContext.Response.Headers[HeaderNames.ContentLocation] = location;
            return new OkObjectResult(version);
        }

        return new CreatedResult(location, version);
    }

    /// <summary>
    /// Reads an alias (<c>GET</c>) with its ETag, or moves it (<c>PUT</c> <see cref="AliasMove"/>). A move is always
    /// conditional: <c>If-Match</c> with the ETag last read, or <c>If-None-Match: *</c> to create an alias that does not
    /// exist yet; without either it is a 428. The reason is required (400 naming <c>reason</c>).
    /// </summary>
    [Function("registry-alias")]
    public async Task<IActionResult> Alias(
        [HttpTrigger(AuthorizationLevel.Function, "get", "put", Route = "models/{model}/aliases/{alias}")] HttpRequest req,
        string model, string alias, FunctionContext context)
    {
        CancellationToken ct = context.CancellationToken;
        AliasPointer pointer = HttpMethods.IsPut(req.Method)
            ? await MoveAsync(req, model, alias, context)
            : await registry.GetAliasAsync(model, alias, ct);
        req.HttpContext.Response.Headers[HeaderNames.ETag] = pointer.ETag;
        return new OkObjectResult(pointer);
    }

    [Function("registry-archive")]
    public async Task<IActionResult> Archive(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{model}/versions/{version:int}/archive")] HttpRequest req,
        string model, int version, FunctionContext context)
    {
        StatusChange body = await ReadAsync(req, RegistryApiJsonContext.Default.StatusChange, context.CancellationToken);
        string principal = callers.Of(req, context);
        return new OkObjectResult(await registry.ChangeStatusAsync(model, version, VersionStatus.Archived, Required(body.Reason, "reason"), principal, context.CancellationToken));
    }

    private async Task<AliasPointer> MoveAsync(HttpRequest req, string model, string alias, FunctionContext context)
    {
        CancellationToken ct = context.CancellationToken;
        string? ifMatch = req.Headers.IfMatch.ToString() is { Length: > 0 } etag ? etag : null;
        bool create = req.Headers.IfNoneMatch.ToString() == "*";
        if (ifMatch is null && !create)
        {
            throw new PreconditionRequiredException("If-Match", "is required to move an alias: send the ETag last read, or 'If-None-Match: *' to create it.");
        }

        AliasMove body = await ReadAsync(req, RegistryApiJsonContext.Default.AliasMove, ct);
        int version = body.Version ?? throw new InvalidRegistryRequestException("version", "is required.");
        string reason = Required(body.Reason, "reason");
        if (create && (await registry.ListAliasesAsync(model, ct)).Any(a => a.Alias == alias))
        {
            throw new RegistryPreconditionFailedException($"Alias '{alias}' of '{model}' already exists (If-None-Match: *); move it with If-Match.");
        }

        return await registry.MoveAliasAsync(model, alias, version, reason, ifMatch, callers.Of(req, context), body.Force ?? false, ct);
    }

    private static async Task<T> ReadAsync<T>(HttpRequest req, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct) where T : class =>
        await JsonSerializer.DeserializeAsync(req.Body, type, ct) ?? throw new InvalidRegistryRequestException("body", "must be a JSON object.");

    private static string Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidRegistryRequestException(field, "is required.") : value;
}
