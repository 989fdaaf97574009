using System.Text.Json.Serialization;
using ModelOps.Registry;

namespace ModelOps.Pipelines;

/// <summary>The body of an alias move: the version to point at, why, and whether to force a champion that has no held-out metrics.</summary>
public sealed record AliasMove(int? Version, string? Reason, bool? Force = null);

/// <summary>The body of a status change: why.</summary>
public sealed record StatusChange(string? Reason);

/// <summary>The body of a routing change: weights over aliases, the key field, the shadow alias, the kill switch, and why (for the audit).</summary>
public sealed record RoutingChange(IReadOnlyList<AliasWeight>? Weights, string? KeyField = null, string? ShadowAlias = null, bool? Enabled = null, string? FallbackAlias = null, int? RetryAfterSeconds = null, string? Reason = null);

/// <summary>A model with its visible versions and its aliases.</summary>
public sealed record ModelDetails(Model Model, IReadOnlyList<ModelVersion> Versions, IReadOnlyList<AliasPointer> Aliases);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AliasMove))]
[JsonSerializable(typeof(StatusChange))]
[JsonSerializable(typeof(ModelDetails))]
[JsonSerializable(typeof(RoutingChange))]
[JsonSerializable(typeof(ModelRouting))]
internal sealed partial class RegistryApiJsonContext : JsonSerializerContext;
