namespace ModelOps.Scoring.Engines;

/// <summary>
/// Picks the engine for a model: ours when it claims every operator the model uses, ONNX Runtime otherwise, and
/// ONNX Runtime whenever the registration asks for it (<see cref="PreferenceTag"/> on the model, or
/// <see cref="PreferenceMetadataKey"/> in the artifact's metadata).
/// </summary>
public sealed class EngineSelector(IScoringEngine ours, IScoringEngine onnxRuntime)
{
    /// <summary>The model tag that asks for ONNX Runtime.</summary>
    public const string PreferenceTag = "engine:onnxruntime";

    /// <summary>The artifact metadata key whose value <c>onnxruntime</c> asks for ONNX Runtime.</summary>
    public const string PreferenceMetadataKey = "modelops.engine";

    /// <summary>Both engines, with our engine's default size limit.</summary>
    public EngineSelector()
        : this(new ModelOpsEngine(), new OnnxRuntimeEngine())
    {
    }

    /// <summary>True when the model's tags ask for ONNX Runtime.</summary>
    public static bool PrefersOnnxRuntime(IEnumerable<string> tags) =>
        tags.Any(t => string.Equals(t, PreferenceTag, StringComparison.OrdinalIgnoreCase));

    /// <summary>Compiles the artifact with the engine that should serve it.</summary>
    public ScoringSession Load(ReadOnlyMemory<byte> artifact, bool preferOnnxRuntime, CancellationToken cancellationToken)
    {
        if (preferOnnxRuntime)
        {
            return onnxRuntime.Load(artifact, cancellationToken);
        }

        ScoringSession session;
        try
        {
            session = ours.Load(artifact, cancellationToken);
        }
        catch (EngineUnsupportedException)
        {
            return onnxRuntime.Load(artifact, cancellationToken);
        }

        if (session.Metadata.TryGetValue(PreferenceMetadataKey, out string? wanted)
            && string.Equals(wanted, "onnxruntime", StringComparison.OrdinalIgnoreCase))
        {
            session.Dispose();
            return onnxRuntime.Load(artifact, cancellationToken);
        }

        return session;
    }

    /// <summary>Both sessions when both engines run the model (for the cross-check); ours is null when it cannot.</summary>
    public (ScoringSession? Ours, ScoringSession OnnxRuntime) LoadBoth(ReadOnlyMemory<byte> artifact, CancellationToken cancellationToken)
    {
        ScoringSession? mine = null;
        try
        {
            mine = ours.Load(artifact, cancellationToken);
        }
        catch (EngineUnsupportedException)
        {
            // Only ONNX Runtime can run it: nothing to cross-check against.
        }

        try
        {
            return (mine, onnxRuntime.Load(artifact, cancellationToken));
        }
        catch
        {
            mine?.Dispose();
            throw;
        }
    }
}
