using ModelOps.Onnx;
using OnnxInvalidModelException = ModelOps.Onnx.InvalidModelException;

namespace ModelOps.Scoring.Engines;

/// <summary>Our managed engine behind the scoring interface.</summary>
public sealed class ModelOpsEngine(long maxModelBytes = 512L * 1024 * 1024) : IScoringEngine
{
    /// <inheritdoc />
    public EngineKind Kind => EngineKind.ModelOps;

    /// <inheritdoc />
    public ScoringSession Load(ReadOnlyMemory<byte> artifact, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            OnnxModel model = OnnxModel.Load(artifact.ToArray(), new OnnxLoadOptions { MaxModelBytes = maxModelBytes });
            return new Session(model);
        }
        catch (OnnxInvalidModelException e) when (e.IsUnsupported)
        {
            throw new EngineUnsupportedException("Our engine does not run this model: " + e.Message, e);
        }
        catch (OnnxInvalidModelException e)
        {
            throw new ModelLoadException("The model does not load: " + e.Message, e);
        }
    }

    private sealed class Session(OnnxModel model) : ScoringSession
    {
        private readonly InferenceSession _session = model.CreateSession();

        public override EngineKind Engine => EngineKind.ModelOps;

        public override IReadOnlyList<ModelValueInfo> Inputs => model.Inputs;

        public override IReadOnlyList<ModelValueInfo> Outputs => model.Outputs;

        public override IReadOnlyDictionary<string, string> Metadata => model.Metadata;

        public override IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, CancellationToken cancellationToken) =>
            _session.Run(inputs, cancellationToken);
    }
}
