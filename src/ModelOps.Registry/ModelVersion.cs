using ModelOps.Learning.Pipelines;

namespace ModelOps.Registry;

/// <summary>Where a version is in its life. Registered → Archived → Retired, and Archived → Registered to restore.</summary>
public enum VersionStatus
{
    Registered = 0,
    Archived = 1,
    Retired = 2,
}

/// <summary>One data set a version was trained on, with the hash of its content at the time.</summary>
public sealed record DataReference(string Uri, string Sha256);

/// <summary>How a version came to be: data, pipeline spec, parameters, code, parent.</summary>
public sealed record Lineage(
    IReadOnlyList<DataReference> TrainingData,
    string PipelineSpecSha256,
    IReadOnlyDictionary<string, string> Parameters,
    string CodeVersion,
    int? ParentVersion)
{
    /// <summary>Nothing known.</summary>
    public static Lineage Empty { get; } = new([], string.Empty, new Dictionary<string, string>(), string.Empty, null);
}

/// <summary>A dependency of a version on another model, pinned to a version or following an alias (exactly one of the two).</summary>
public sealed record ModelDependency(string Model, int? Version, string? Alias);

/// <summary>
/// One registered version. Everything but <see cref="Status"/> is fixed once registered; the artifact is
/// addressed by its SHA-256, so the bytes can never change under the version either.
/// </summary>
public sealed record ModelVersion(
    string Model,
    int Version,
    string ArtifactSha256,
    long ArtifactBytes,
    string Format,
    IReadOnlyDictionary<string, long> Opsets,
    ModelSchema Schema,
    IReadOnlyDictionary<string, double> Metrics,
    Lineage Lineage,
    IReadOnlyList<ModelDependency> Dependencies,
    VersionStatus Status,
    string CreatedBy,
    DateTimeOffset CreatedAt)
{
    /// <summary>The training rows' profile drift is measured against, when the registration carried one.</summary>
    public BaselineProfile? Baseline { get; init; }

    /// <summary>The version in its next status; throws <see cref="InvalidStatusTransitionException"/> for a move the life cycle does not allow.</summary>
    public ModelVersion MoveTo(VersionStatus next)
    {
        bool allowed = (Status, next) switch
        {
            (VersionStatus.Registered, VersionStatus.Archived) => true,
            (VersionStatus.Archived, VersionStatus.Registered) => true,
            (VersionStatus.Archived, VersionStatus.Retired) => true,
            (VersionStatus.Registered, VersionStatus.Retired) => true,
            _ => false,
        };
        return allowed ? this with { Status = next } : throw new InvalidStatusTransitionException(Model, Version, Status, next);
    }

    /// <summary>True when this version was registered from the same artifact and metadata as <paramref name="other"/> (a retried registration).</summary>
    public bool IsSameRegistrationAs(ModelVersion other) =>
        other.Model == Model && other.Version == Version && other.ArtifactSha256 == ArtifactSha256 && other.ArtifactBytes == ArtifactBytes;
}

/// <summary>An alias (champion, challenger, shadow, or any name) pointing at one version; <see cref="ETag"/> is the token a move must match.</summary>
public sealed record AliasPointer(string Model, string Alias, int Version, string ETag, DateTimeOffset UpdatedAt);
