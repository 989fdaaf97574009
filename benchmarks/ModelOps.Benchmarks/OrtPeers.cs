using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelOps.Onnx;
using Ort = Microsoft.ML.OnnxRuntime;
using OrtType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using Tensor = ModelOps.Onnx.Tensor;
using TensorElementType = ModelOps.Onnx.TensorElementType;

namespace ModelOps.Benchmarks;

/// <summary>One way of scoring a benchmark case: single rows by index, and the whole batch.</summary>
internal interface IScorer : IDisposable
{
    void RunRow(int row);

    void RunBatch();
}

/// <summary>ONNX Runtime sessions with one thread (sequential, IntraOp 1) or its default thread pool.</summary>
internal static class OrtSessions
{
    public static Ort.InferenceSession Create(byte[] model, bool singleThread)
    {
        // Error level keeps ORT quiet about the MergeShapeInfo warnings it prints for ML.NET-exported graphs.
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (singleThread)
        {
            options.IntraOpNumThreads = 1;
            options.InterOpNumThreads = 1;
            options.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
        }

        return new Ort.InferenceSession(model, options);
    }
}

/// <summary>
/// ONNX Runtime's fastest documented path: inputs are <see cref="OrtValue"/>s over the same pinned arrays our engine
/// reads, made once and reused; numeric outputs are pre-allocated <see cref="OrtValue"/>s over pinned arrays;
/// string outputs (which ORT must allocate) come back from <c>Run</c> and are disposed.
/// </summary>
internal sealed class OrtFastScorer : IScorer
{
    private readonly Ort.InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _allocatesOutputs;
    private readonly Call[] _rows;
    private readonly Call _batch;
    private readonly List<OrtValue> _owned = [];

    public OrtFastScorer(byte[] model, bool singleThread, BenchmarkCase benchmark)
    {
        _session = OrtSessions.Create(model, singleThread);
        _inputNames = [.. benchmark.Batch.Keys];
        _outputNames = [.. benchmark.OutputTypes.Keys];
        _allocatesOutputs = benchmark.OutputTypes.Values.Any(o => o.Type is not (TensorElementType.Float or TensorElementType.Double or TensorElementType.Int64));
        _rows = benchmark.Rows.Select(r => Prepare(r, benchmark, 1)).ToArray();
        _batch = Prepare(benchmark.Batch, benchmark, benchmark.BatchRows);
    }

    public void RunRow(int row) => Run(_rows[row]);

    public void RunBatch() => Run(_batch);

    private void Run(Call call)
    {
        if (_allocatesOutputs)
        {
            using IDisposableReadOnlyCollection<OrtValue> results = _session.Run(_run, _inputNames, call.Inputs, _outputNames);
        }
        else
        {
            _session.Run(_run, _inputNames, call.Inputs, _outputNames, call.Outputs!);
        }
    }

    private Call Prepare(IReadOnlyDictionary<string, Tensor> inputs, BenchmarkCase benchmark, int rows)
    {
        OrtValue[] values = _inputNames.Select(n => Own(ToOrtValue(inputs[n]))).ToArray();
        OrtValue[]? outputs = null;
        if (!_allocatesOutputs)
        {
            outputs = _outputNames.Select(n =>
            {
                (TensorElementType type, long[] rowShape) = benchmark.OutputTypes[n];
                long[] shape = [rows, .. rowShape.Skip(1)];
                int count = (int)Tensor.ElementCount(shape);
                return Own(type switch
                {
                    TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(new float[count], shape),
                    TensorElementType.Double => OrtValue.CreateTensorValueFromMemory(new double[count], shape),
                    _ => OrtValue.CreateTensorValueFromMemory(new long[count], shape),
                });
            }).ToArray();
        }

        return new Call(values, outputs);
    }

    private OrtValue Own(OrtValue value)
    {
        _owned.Add(value);
        return value;
    }

    /// <summary>An OrtValue over the tensor's own array (pinned, not copied); strings are copied into native memory.</summary>
    public static OrtValue ToOrtValue(Tensor t) => t.ElementType switch
    {
        TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(t.As<float>(), t.Shape),
        TensorElementType.Double => OrtValue.CreateTensorValueFromMemory(t.As<double>(), t.Shape),
        TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(t.As<long>(), t.Shape),
        TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(t.As<int>(), t.Shape),
        TensorElementType.Bool => OrtValue.CreateTensorValueFromMemory(t.As<bool>(), t.Shape),
        TensorElementType.String => Strings(t),
        _ => throw new NotSupportedException($"benchmark inputs of {t.ElementType} are not wired to ONNX Runtime"),
    };

    private static OrtValue Strings(Tensor t)
    {
        string[] data = t.As<string>();
        OrtValue value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, t.Shape);
        for (int i = 0; i < data.Length; i++) value.StringTensorSetElementAt(data[i].AsSpan(), i);
        return value;
    }

    public void Dispose()
    {
        foreach (OrtValue v in _owned) v.Dispose();
        _run.Dispose();
        _session.Dispose();
    }

    private sealed record Call(OrtValue[] Inputs, OrtValue[]? Outputs);
}

/// <summary>
/// The code a typical user writes: <see cref="NamedOnnxValue"/>s over <see cref="DenseTensor{T}"/>s made on every call,
/// <c>Run</c> returning disposable outputs read through <c>AsTensor</c>.
/// </summary>
internal sealed class OrtPlainScorer(byte[] model, bool singleThread, BenchmarkCase benchmark) : IScorer
{
    private readonly Ort.InferenceSession _session = OrtSessions.Create(model, singleThread);

    public void RunRow(int row) => Score(benchmark.Rows[row]);

    public void RunBatch() => Score(benchmark.Batch);

    /// <summary>Scores and reads every output into our tensors (for the agreement check).</summary>
    public Dictionary<string, Tensor> Score(IReadOnlyDictionary<string, Tensor> inputs)
    {
        var values = inputs.Select(kv => ToNamed(kv.Key, kv.Value)).ToList();
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = _session.Run(values);
        var read = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DisposableNamedOnnxValue r in results)
        {
            if (r.ValueType != OnnxValueType.ONNX_TYPE_TENSOR) continue;
            read[r.Name] = r.ElementType switch
            {
                OrtType.Float => FromOrt(r.AsTensor<float>(), Tensor.FromFloats),
                OrtType.Double => FromOrt(r.AsTensor<double>(), Tensor.FromDoubles),
                OrtType.Int64 => FromOrt(r.AsTensor<long>(), Tensor.FromInt64s),
                OrtType.String => FromOrt(r.AsTensor<string>(), Tensor.FromStrings),
                OrtType.Bool => FromOrt(r.AsTensor<bool>(), Tensor.FromBools),
                OrtType.Int32 => FromOrt(r.AsTensor<int>(), Tensor.FromInt32s),
                _ => Tensor.FromFloats([], 0),
            };
        }

        return read;
    }

    private static Tensor FromOrt<T>(Tensor<T> t, Func<T[], long[], Tensor> make) => make(t.ToArray(), t.Dimensions.ToArray().Select(d => (long)d).ToArray());

    private static NamedOnnxValue ToNamed(string name, Tensor t)
    {
        int[] dims = t.Shape.Select(d => (int)d).ToArray();
        return t.ElementType switch
        {
            TensorElementType.Float => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(t.As<float>(), dims)),
            TensorElementType.Double => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<double>(t.As<double>(), dims)),
            TensorElementType.Int64 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(t.As<long>(), dims)),
            TensorElementType.Int32 => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<int>(t.As<int>(), dims)),
            TensorElementType.Bool => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<bool>(t.As<bool>(), dims)),
            TensorElementType.String => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(t.As<string>(), dims)),
            _ => throw new NotSupportedException($"benchmark inputs of {t.ElementType} are not wired to ONNX Runtime"),
        };
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>Our engine: the inputs are the same tensors, passed as a dictionary built once.</summary>
internal sealed class EngineScorer(byte[] model, BenchmarkCase benchmark, int? degreeOfParallelism) : IScorer
{
    private readonly Onnx.InferenceSession _session = EngineSessions.Create(model, degreeOfParallelism);

    public void RunRow(int row) => _session.Run(benchmark.Rows[row]);

    public void RunBatch() => _session.Run(benchmark.Batch);

    public IReadOnlyDictionary<string, Tensor> Score(IReadOnlyDictionary<string, Tensor> inputs) => _session.Run(inputs);

    public void Dispose()
    {
    }
}
