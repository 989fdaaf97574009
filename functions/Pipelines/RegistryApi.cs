using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using ModelOps.Registry;

namespace ModelOps.Pipelines;

/// <summary>The body of an alias move.</summary>
public sealed record AliasMove(int Version, string Reason);

/// <summary>The body of a status change.</summary>
public sealed record StatusChange(string Reason);

/// <summary>A model with its visible versions and its aliases.</summary>
public sealed record ModelDetails(Model Model, IReadOnlyList<ModelVersion> Versions, IReadOnlyList<AliasPointer> Aliases);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AliasMove))]
[JsonSerializable(typeof(StatusChange))]
[JsonSerializable(typeof(ModelDetails))]
internal sealed partial class RegistryApiJsonContext : JsonSerializerContext;

/// <summary>
/// The registry's HTTP API (management functions, <c>authLevel: function</c>, forwarded by the Functions host).
/// Each endpoint parses, calls <see cref="ModelRegistry"/>, and returns the result; every error becomes a
/// problem in <c>ProblemExceptionHandler</c>. The principal is the <c>x-ms-client-principal-name</c> header,
/// which App Service Authentication sets (and strips from client requests) when it is enabled on the app;
/// without it the principal is <c>anonymous</c>.
/// </summary>
public static class RegistryApi
{
    /// <summary>The header App Service Authentication sets to the signed-in principal's name.</summary>
    public const string PrincipalHeader = "x-ms-client-principal-name";

    /// <summary>Room for the metadata part and multipart framing on top of the artifact limit.</summary>
    private const long MetadataAllowance = 1024 * 1024;

    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder models = endpoints.MapGroup("/api/models");
        models.MapGet(string.Empty, Search);
        models.MapGet("/{model}", (string model, ModelRegistry registry, CancellationToken ct) => Details(model, registry, ct));
        models.MapGet("/{model}/card", async (string model, ModelRegistry registry, CancellationToken ct) => TypedResults.Ok((await registry.GetModelAsync(model, ct)).Card));
        models.MapGet("/{model}/dependents", async (string model, ModelRegistry registry, CancellationToken ct) => TypedResults.Ok(await registry.DependentsOfAsync(model, ct)));
        models.MapPost("/{model}/versions", Register);
        models.MapGet("/{model}/versions/{version:int}", async (string model, int version, ModelRegistry registry, CancellationToken ct) => TypedResults.Ok(await registry.GetVersionAsync(model, version, ct)));
        models.MapPost("/{model}/versions/{version:int}/archive", async (string model, int version, StatusChange body, HttpRequest request, ModelRegistry registry, CancellationToken ct) =>
            TypedResults.Ok(await registry.ChangeStatusAsync(model, version, VersionStatus.Archived, body.Reason, Principal(request), ct)));
        models.MapGet("/{model}/aliases/{alias}", async (string model, string alias, HttpResponse response, ModelRegistry registry, CancellationToken ct) =>
            WithETag(response, await registry.GetAliasAsync(model, alias, ct)));
        models.MapPut("/{model}/aliases/{alias}", async (string model, string alias, AliasMove body, HttpRequest request, ModelRegistry registry, CancellationToken ct) =>
            WithETag(request.HttpContext.Response, await registry.MoveAliasAsync(model, alias, body.Version, body.Reason, IfMatch(request), Principal(request), ct)));
        models.MapGet("/{model}/audit", async (string model, ModelRegistry registry, CancellationToken ct) => TypedResults.Ok(await registry.ReadAuditAsync(model, ct)));
        models.MapGet("/{model}/audit/verify", async (string model, ModelRegistry registry, CancellationToken ct) => TypedResults.Ok(await registry.VerifyAuditAsync(model, ct)));
        return endpoints;
    }

    /// <summary>The JSON contexts the API answers with.</summary>
    public static IServiceCollection AddRegistryApiJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, RegistryApiJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, RegistryJsonContext.Default);
        });

    private static async Task<IResult> Search(string? prefix, string? tag, string? owner, VersionStatus? status, string? metric, double? min, ModelRegistry registry, CancellationToken ct) =>
        TypedResults.Ok(await registry.SearchAsync(new ModelQuery(prefix, tag, owner, status, metric, min), ct));

    private static async Task<IResult> Details(string model, ModelRegistry registry, CancellationToken ct) =>
        TypedResults.Ok(new ModelDetails(await registry.GetModelAsync(model, ct), await registry.ListVersionsAsync(model, ct), await registry.ListAliasesAsync(model, ct)));

    /// <summary>
    /// <c>multipart/form-data</c> with a <c>metadata</c> part (JSON registration) and an <c>artifact</c> part (the ONNX file).
    /// A declared length over the limit is refused before the body is read; an undeclared one is cut off at the limit.
    /// </summary>
    private static async Task<IResult> Register(string model, HttpRequest request, ModelRegistry registry, RegistryOptions options, CancellationToken ct)
    {
        long limit = options.MaxArtifactBytes + MetadataAllowance;
        if (request.ContentLength > limit)
        {
            throw new ArtifactTooLargeException(request.ContentLength.Value, options.MaxArtifactBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (!request.HasFormContentType)
        {
            throw new InvalidRegistryRequestException("content-type", "must be multipart/form-data with a 'metadata' part and an 'artifact' part.");
        }

        request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = limit, ValueLengthLimit = (int)MetadataAllowance }));
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidRegistryRequestException("body", "is not valid multipart/form-data: " + e.Message);
        }

        IFormFile artifact = form.Files["artifact"] ?? throw new InvalidRegistryRequestException("artifact", "part is missing.");
        string metadata = form["metadata"].ToString() is { Length: > 0 } text ? text
            : form.Files["metadata"] is { } file ? await new StreamReader(file.OpenReadStream()).ReadToEndAsync(ct)
            : "{}";
        RegistrationRequest registration;
        try
        {
            registration = (JsonSerializer.Deserialize(metadata, RegistryJsonContext.Default.RegistrationRequest) ?? new RegistrationRequest(model)) with { Model = model };
        }
        catch (JsonException e)
        {
            throw new InvalidRegistryRequestException("metadata", "is not valid JSON: " + e.Message);
        }

        if (artifact.Length > options.MaxArtifactBytes)
        {
            throw new ArtifactTooLargeException(artifact.Length, options.MaxArtifactBytes);
        }

        using var buffer = new MemoryStream((int)artifact.Length);
        await artifact.CopyToAsync(buffer, ct);
        ModelVersion version = await registry.RegisterAsync(registration, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), Principal(request), ct);
        return TypedResults.Created($"/api/models/{version.Model}/versions/{version.Version}", version);
    }

    private static IResult WithETag(HttpResponse response, AliasPointer pointer)
    {
        response.Headers[HeaderNames.ETag] = pointer.ETag;
        return TypedResults.Ok(pointer);
    }

    private static string? IfMatch(HttpRequest request) =>
        request.Headers.IfMatch.ToString() is { Length: > 0 } value ? value : null;

    private static string Principal(HttpRequest request) =>
        request.Headers[PrincipalHeader].ToString() is { Length: > 0 } name ? name : "anonymous";
}
