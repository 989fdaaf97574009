using ModelOps.Learning.Pipelines;

namespace ModelOps.Registry;

/// <summary>
/// What a caller sends to register a version (the artifact travels beside it). <see cref="Version"/> is
/// optional: without it the next free number is taken. The model fields apply when the model is new.
/// </summary>
public sealed record RegistrationRequest(
    string Model,
    int? Version = null,
    string Description = "",
    string Owner = "",
    IReadOnlyList<string>? Tags = null,
    ModelSchema? Schema = null,
    ModelCard? Card = null,
    IReadOnlyDictionary<string, double>? Metrics = null,
    Lineage? Lineage = null,
    IReadOnlyList<ModelDependency>? Dependencies = null,
    string? Alias = null,
    string Reason = "")
{
    /// <summary>The training rows' profile that drift is measured against (from the training report).</summary>
    public BaselineProfile? Baseline { get; init; }

    /// <summary>Move <see cref="Alias"/> even to a version without held-out metrics (see <see cref="ModelRegistry.ChampionAlias"/>).</summary>
    public bool Force { get; init; }
}

/// <summary>What registering answered: the version, and whether it existed already (same bytes, or a retry).</summary>
public sealed record Registration(ModelVersion Version, bool Existing);

/// <summary>Search criteria; every one given must hold.</summary>
public sealed record ModelQuery(
    string? NamePrefix = null,
    string? Tag = null,
    string? Owner = null,
    VersionStatus? Status = null,
    string? Metric = null,
    double? MinMetric = null);

/// <summary>The registry's settings (section <c>Registry</c>, e.g. <c>Registry__AuditKey</c>).</summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Registry";

    /// <summary>Base64 key (at least 32 bytes) that seals audit entries. Required.</summary>
    public string AuditKey { get; set; } = string.Empty;

    /// <summary>The largest artifact accepted, in bytes (default 256 MiB).</summary>
    public long MaxArtifactBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The decoded audit key; throws when the setting is missing, not base64, or shorter than 32 bytes.</summary>
    public byte[] AuditKeyBytes()
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(AuditKey);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Registry:AuditKey must be base64.");
        }

        return key.Length >= 32 ? key : throw new InvalidOperationException("Registry:AuditKey must decode to at least 32 bytes.");
    }

    /// <summary>The problems with these settings, empty when valid (used by ValidateOnStart).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        try
        {
            AuditKeyBytes();
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
        }

        if (MaxArtifactBytes is <= 0 or > 2L * 1024 * 1024 * 1024)
        {
            problems.Add("Registry:MaxArtifactBytes must be between 1 and 2 GiB.");
        }

        return problems;
    }
}
