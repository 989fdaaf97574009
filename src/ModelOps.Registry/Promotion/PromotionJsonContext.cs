using System.Text.Json.Serialization;

namespace ModelOps.Registry.Promotion;

/// <summary>
/// Source-generated JSON for the promotion flow's messages (orchestration inputs and outputs, activity results,
/// HTTP bodies), camelCase with enums as strings, like <see cref="RegistryJsonContext"/>. Non-finite numbers
/// (a DeLong z of ±∞ for identical rankings) are written as named literals.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(PromotionRequest))]
[JsonSerializable(typeof(PromotionProgress))]
[JsonSerializable(typeof(GateEvidence))]
[JsonSerializable(typeof(GateReport))]
[JsonSerializable(typeof(ApprovalTokenRecord))]
[JsonSerializable(typeof(RecordedDecision))]
[JsonSerializable(typeof(ApprovalMail))]
[JsonSerializable(typeof(PromotionRecord))]
[JsonSerializable(typeof(PromotionStart))]
[JsonSerializable(typeof(GateOutcome))]
[JsonSerializable(typeof(ApprovalAsk))]
[JsonSerializable(typeof(PromotionOutcome))]
[JsonSerializable(typeof(PromotedAlias))]
public sealed partial class PromotionJsonContext : JsonSerializerContext;
