using Google.Protobuf;
using ModelOps.Registry;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring.Engines;

/// <summary>
/// The registry's artifact check with both engines: a model our engine runs is validated by
/// <see cref="OnnxArtifactValidator"/> and then cross-checked against ONNX Runtime on sample rows (refused, naming
/// the differing outputs, beyond <see cref="Tolerance"/>); a model only ONNX Runtime runs must load there, match the
/// declared inputs, and score the sample rows.
/// </summary>
public sealed class CrossCheckedArtifactValidator(RegistryOptions options, EngineSelector engines) : IModelArtifactValidator
{
    /// <summary>Relative tolerance (absolute below 1) between the engines' outputs.</summary>
    public double Tolerance { get; init; } = 1e-5;

    /// <inheritdoc />
    public ArtifactFacts Validate(ReadOnlyMemory<byte> artifact, ModelSchema declared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(declared);
        ScoringSession? ours = null;
        ScoringSession onnxRuntime;
        try
        {
            (ours, onnxRuntime) = engines.LoadBoth(artifact, cancellationToken);
        }
        catch (ModelLoadException e)
        {
            throw new InvalidModelException([e.Message]);
        }

        using (ours)
        using (onnxRuntime)
        {
            ArtifactFacts facts = ours is not null ? new OnnxArtifactValidator(options).Validate(artifact, declared, cancellationToken) : Facts(artifact, onnxRuntime, declared);
            FeatureSchema schema;
            try
            {
                schema = new LoadedModel("check", 0, onnxRuntime, artifact.Length).Schema;
            }
            catch (ModelLoadException e)
            {
                throw new InvalidModelException([e.Message]);
            }

            IReadOnlyList<string> reasons;
            try
            {
                reasons = ours is null
                    ? ScoresSample(onnxRuntime, schema, cancellationToken)
                    : EngineCrossCheck.Compare(ours, onnxRuntime, schema, Tolerance, cancellationToken);
            }
            catch (Exception e) when (e is ModelOps.Onnx.ModelInputException or InvalidOperationException or ArgumentException)
            {
                reasons = ["Scoring the sample rows failed: " + e.Message];
            }

            return reasons.Count > 0 ? throw new InvalidModelException(reasons) : facts;
        }
    }

    private static string[] ScoresSample(ScoringSession session, FeatureSchema schema, CancellationToken cancellationToken)
    {
        ValidatedRows rows = EngineCrossCheck.Sample(schema);
        var inputs = session.Inputs.ToDictionary(i => i.Name, i => InputTensors.Build(i, schema, rows, 0, rows.Count, schema.BatchSize ?? rows.Count), StringComparer.Ordinal);
        return session.Run(inputs, cancellationToken).Count > 0 ? [] : ["Scoring the sample rows produced no output."];
    }

    private static ArtifactFacts Facts(ReadOnlyMemory<byte> artifact, ScoringSession session, ModelSchema declared)
    {
        var reasons = new List<string>();
        foreach (TensorSpec spec in declared.Inputs.Concat(declared.Outputs))
        {
            var found = session.Inputs.Concat(session.Outputs).FirstOrDefault(v => v.Name == spec.Name);
            if (found is null)
            {
                reasons.Add($"Declared '{spec.Name}' is not in the model.");
            }
            else if (!string.Equals(OnnxArtifactValidator.TypeName(found.ElementType), spec.ElementType, StringComparison.OrdinalIgnoreCase))
            {
                reasons.Add($"Declared '{spec.Name}' is {spec.ElementType}; the model's is {OnnxArtifactValidator.TypeName(found.ElementType)}.");
            }
        }

        if (reasons.Count > 0)
        {
            throw new InvalidModelException(reasons);
        }

        static TensorSpec Spec(ModelOps.Onnx.ModelValueInfo v) => new(v.Name, OnnxArtifactValidator.TypeName(v.ElementType), v.Shape ?? []);
        return new ArtifactFacts("onnx", Opsets(artifact), new ModelSchema(session.Inputs.Select(Spec).ToArray(), session.Outputs.Select(Spec).ToArray()));
    }

    /// <summary>ModelProto.opset_import (field 8: domain = 1, version = 2), read without our engine's parser.</summary>
    private static Dictionary<string, long> Opsets(ReadOnlyMemory<byte> artifact)
    {
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var input = new CodedInputStream(artifact.ToArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == ((8 << 3) | 2))
            {
                var entry = new CodedInputStream(input.ReadBytes().ToByteArray());
                string domain = string.Empty;
                long version = 0;
                uint inner;
                while ((inner = entry.ReadTag()) != 0)
                {
                    switch (inner)
                    {
                        case (1 << 3) | 2: domain = entry.ReadString(); break;
                        case 2 << 3: version = entry.ReadInt64(); break;
                        default: entry.SkipLastField(); break;
                    }
                }

                opsets[domain.Length == 0 ? "ai.onnx" : domain] = version;
            }
            else
            {
                input.SkipLastField();
            }
        }

        return opsets;
    }
}
