using ModelOps.Onnx;

namespace ModelOps.Scoring.Engines;

/// <summary>The engines a model can be scored by.</summary>
public enum EngineKind
{
    /// <summary>Our managed engine (<c>ModelOps.Onnx</c>), for models whose operators it all claims.</summary>
    ModelOps,

    /// <summary>ONNX Runtime, for any other model or when the registration asks for it.</summary>
    OnnxRuntime,
}

/// <summary>
/// A model compiled by one engine, ready to score. Sessions are safe to use from many threads at once; tensors
/// in and out are <see cref="Tensor"/>s whatever the engine, so callers never see which one they hold.
/// </summary>
public abstract class ScoringSession : IDisposable
{
    /// <summary>The engine that compiled the model.</summary>
    public abstract EngineKind Engine { get; }

    /// <summary>The graph inputs (initializers excluded), as the model declares them.</summary>
    public abstract IReadOnlyList<ModelValueInfo> Inputs { get; }

    /// <summary>The graph outputs, as the model declares them.</summary>
    public abstract IReadOnlyList<ModelValueInfo> Outputs { get; }

    /// <summary>The model's metadata properties (exported pipelines carry their feature schema here).</summary>
    public abstract IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Scores one batch. Every declared input must be given; the result holds every tensor output.</summary>
    public abstract IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, CancellationToken cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases native resources (ONNX Runtime sessions); our engine holds none.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>One engine: compiles an artifact into a <see cref="ScoringSession"/>.</summary>
public interface IScoringEngine
{
    /// <summary>Which engine this is.</summary>
    EngineKind Kind { get; }

    /// <summary>
    /// Compiles the artifact. Throws <see cref="EngineUnsupportedException"/> when this engine does not run the
    /// model's operators, and <see cref="ModelLoadException"/> when the artifact is not a usable model.
    /// </summary>
    ScoringSession Load(ReadOnlyMemory<byte> artifact, CancellationToken cancellationToken);
}

/// <summary>The engine does not implement an operator (or opset) the model uses; another engine may.</summary>
public sealed class EngineUnsupportedException(string message, Exception inner) : Exception(message, inner);

/// <summary>An artifact could not be compiled into a session (corrupt, invalid graph, unsupported by every engine).</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message)
        : base(message)
    {
    }

    public ModelLoadException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
