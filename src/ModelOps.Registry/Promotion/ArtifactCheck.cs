namespace ModelOps.Registry.Promotion;

/// <summary>Runs artifact validation for the artifact gate and returns its findings as reasons instead of an exception.</summary>
public static class ArtifactCheck
{
    /// <summary>What <paramref name="validator"/> finds wrong with <paramref name="artifact"/> against <paramref name="declared"/>; empty when valid.</summary>
    public static IReadOnlyList<string> Problems(IModelArtifactValidator validator, ReadOnlyMemory<byte> artifact, ModelSchema declared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(validator);
        try
        {
            _ = validator.Validate(artifact, declared, cancellationToken);
            return [];
        }
        catch (InvalidModelException e)
        {
            return e.Reasons;
        }
    }
}
