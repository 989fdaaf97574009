using System.Text.Json.Serialization;

namespace ModelOps.Batch;

/// <summary>The wire types of batch and streaming scoring: queue messages and the status documents the CLI prints.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunRequest))]
[JsonSerializable(typeof(ChunkWork))]
[JsonSerializable(typeof(BatchRunStatus))]
[JsonSerializable(typeof(BatchRunStatus[]))]
[JsonSerializable(typeof(ChunkStatus[]))]
[JsonSerializable(typeof(StreamResult))]
[JsonSerializable(typeof(JobSummary[]))]
public sealed partial class BatchJsonContext : JsonSerializerContext;
