using Microsoft.ML.OnnxRuntime;
using ModelOps.Onnx;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using OrtSession = Microsoft.ML.OnnxRuntime.InferenceSession;

namespace ModelOps.Scoring.Engines;

/// <summary>ONNX Runtime behind the scoring interface: any model the ONNX spec allows.</summary>
public sealed class OnnxRuntimeEngine : IScoringEngine
{
    /// <inheritdoc />
    public EngineKind Kind => EngineKind.OnnxRuntime;

    /// <inheritdoc />
    public ScoringSession Load(ReadOnlyMemory<byte> artifact, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Errors only: ML.NET exports make ORT print MergeShapeInfo warnings on every load.
        var options = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = 1,
        };
        try
        {
            return new Session(new OrtSession(artifact.ToArray(), options));
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException("ONNX Runtime cannot load the model: " + e.Message, e);
        }
        finally
        {
            options.Dispose();
        }
    }

    private sealed class Session : ScoringSession
    {
        private readonly OrtSession _session;
        private readonly string[] _outputNames;

        public Session(OrtSession session)
        {
            _session = session;
            Inputs = session.InputMetadata.Select(p => Describe(p.Key, p.Value)).ToArray();
            Outputs = session.OutputMetadata.Select(p => Describe(p.Key, p.Value)).ToArray();
            _outputNames = Outputs.Where(o => o.Kind == "tensor").Select(o => o.Name).ToArray();
            Metadata = new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal);
        }

        public override EngineKind Engine => EngineKind.OnnxRuntime;

        public override IReadOnlyList<ModelValueInfo> Inputs { get; }

        public override IReadOnlyList<ModelValueInfo> Outputs { get; }

        public override IReadOnlyDictionary<string, string> Metadata { get; }

        public override IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var names = new List<string>(inputs.Count);
            var values = new List<OrtValue>(inputs.Count);
            try
            {
                foreach (KeyValuePair<string, Tensor> input in inputs)
                {
                    names.Add(input.Key);
                    values.Add(ToOrt(input.Value));
                }

                using var runOptions = new RunOptions();
                using IDisposableReadOnlyCollection<OrtValue> results = _session.Run(runOptions, names, values, _outputNames);
                var outputs = new Dictionary<string, Tensor>(_outputNames.Length, StringComparer.Ordinal);
                int i = 0;
                foreach (OrtValue result in results)
                {
                    outputs[_outputNames[i++]] = FromOrt(result);
                }

                return outputs;
            }
            catch (OnnxRuntimeException e)
            {
                throw new ModelInputException("ONNX Runtime could not score the input: " + e.Message, e);
            }
            finally
            {
                foreach (OrtValue value in values)
                {
                    value.Dispose();
                }
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _session.Dispose();
            }
        }

        private static ModelValueInfo Describe(string name, NodeMetadata meta) =>
            meta.IsTensor
                ? new ModelValueInfo(name, "tensor", (TensorElementType)(int)meta.ElementDataType, meta.Dimensions.Select(d => (long)d).ToArray())
                : new ModelValueInfo(name, meta.OnnxValueType.ToString().Replace("ONNX_TYPE_", string.Empty, StringComparison.Ordinal).ToLowerInvariant(), TensorElementType.Undefined, null);

        private static OrtValue ToOrt(Tensor tensor) => tensor.Data switch
        {
            float[] f => OrtValue.CreateTensorValueFromMemory(f, tensor.Shape),
            double[] d => OrtValue.CreateTensorValueFromMemory(d, tensor.Shape),
            long[] l => OrtValue.CreateTensorValueFromMemory(l, tensor.Shape),
            int[] n => OrtValue.CreateTensorValueFromMemory(n, tensor.Shape),
            bool[] b => OrtValue.CreateTensorValueFromMemory(b, tensor.Shape),
            string[] s => Strings(s, tensor.Shape),
            _ => throw new ModelInputException($"A {tensor.ElementType} input cannot be passed to ONNX Runtime here."),
        };

        private static OrtValue Strings(string[] data, long[] shape)
        {
            OrtValue value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            for (int i = 0; i < data.Length; i++)
            {
                value.StringTensorSetElementAt(data[i].AsSpan(), i);
            }

            return value;
        }

        private static Tensor FromOrt(OrtValue value)
        {
            OrtTensorTypeAndShapeInfo info = value.GetTensorTypeAndShape();
            long[] shape = info.Shape;
            return info.ElementDataType switch
            {
                OrtElementType.Float => Tensor.FromFloats(value.GetTensorDataAsSpan<float>().ToArray(), shape),
                OrtElementType.Double => Tensor.FromDoubles(value.GetTensorDataAsSpan<double>().ToArray(), shape),
                OrtElementType.Int64 => Tensor.FromInt64s(value.GetTensorDataAsSpan<long>().ToArray(), shape),
                OrtElementType.Int32 => Tensor.FromInt32s(value.GetTensorDataAsSpan<int>().ToArray(), shape),
                OrtElementType.Bool => Tensor.FromBools(value.GetTensorDataAsSpan<bool>().ToArray(), shape),
                OrtElementType.String => Tensor.FromStrings(value.GetStringTensorAsArray(), shape),
                _ => throw new ModelInputException($"The model returned a {info.ElementDataType} tensor, which scoring does not read."),
            };
        }
    }
}
