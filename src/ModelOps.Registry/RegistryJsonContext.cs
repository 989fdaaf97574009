using System.Text.Json.Serialization;

namespace ModelOps.Registry;

/// <summary>
/// Source-generated JSON for the registry's records (stored metadata and wire types), camelCase. Unknown members are
/// refused, so a misspelt field (<c>metricz</c>) is an error instead of silently dropped data.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ModelVersion))]
[JsonSerializable(typeof(Model))]
[JsonSerializable(typeof(ModelSchema))]
[JsonSerializable(typeof(ModelCard))]
[JsonSerializable(typeof(Lineage))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(RegistrationRequest))]
[JsonSerializable(typeof(AliasPointer))]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(AuditVerification))]
[JsonSerializable(typeof(IReadOnlyList<Model>))]
[JsonSerializable(typeof(IReadOnlyList<ModelVersion>))]
[JsonSerializable(typeof(IReadOnlyList<AliasPointer>))]
[JsonSerializable(typeof(IReadOnlyList<AuditEntry>))]
public sealed partial class RegistryJsonContext : JsonSerializerContext;
