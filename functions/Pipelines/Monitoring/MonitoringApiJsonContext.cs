using System.Text.Json.Serialization;
using ModelOps.Monitoring;

namespace ModelOps.Pipelines.Monitoring;

/// <summary>The monitoring functions' own answers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(OutcomesAccepted))]
[JsonSerializable(typeof(SpecStored))]
[JsonSerializable(typeof(MonitorRun))]
internal sealed partial class MonitoringApiJsonContext : JsonSerializerContext;
