using System.Text.Json.Serialization;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring;

/// <summary>Source-generated JSON for scoring's wire types (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(ScoreResponse))]
[JsonSerializable(typeof(FeatureSchema))]
[JsonSerializable(typeof(ServedSchema))]
[JsonSerializable(typeof(FieldError[]))]
[JsonSerializable(typeof(RowOutputs))]
public sealed partial class ScoringJsonContext : JsonSerializerContext;
