using System.Text.Json.Serialization;
using ModelOps.Monitoring.Accuracy;
using ModelOps.Monitoring.Alerts;
using ModelOps.Monitoring.Challengers;
using ModelOps.Monitoring.Drift;
using ModelOps.Monitoring.Outcomes;
using ModelOps.Monitoring.Retraining;

namespace ModelOps.Monitoring;

/// <summary>A batch of outcomes as posted or queued: <c>{"model":"churn","outcomes":[{"requestId":"…","row":0,"label":"yes","value":120.5}]}</c>.</summary>
public sealed record OutcomeBatch(string? Model, IReadOnlyList<Outcome>? Outcomes);

/// <summary>What a retrain or champion–challenger queue message asks for.</summary>
public sealed record MonitoringRequest(string Model, IReadOnlyList<string>? Reasons = null);

/// <summary>The wire and history types of monitoring, camelCase as the payload logs, enums as strings.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(OutcomeBatch))]
[JsonSerializable(typeof(MonitoringRequest))]
[JsonSerializable(typeof(DriftWindow))]
[JsonSerializable(typeof(RealizedAccuracy))]
[JsonSerializable(typeof(MonitoringAlert))]
[JsonSerializable(typeof(ChallengerComparison))]
[JsonSerializable(typeof(MonitoringState))]
[JsonSerializable(typeof(HistoryEntry[]))]
public sealed partial class MonitoringJsonContext : JsonSerializerContext;
