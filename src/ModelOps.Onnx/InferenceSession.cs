using System.Collections.Concurrent;
using ModelOps.Onnx.Operators;

namespace ModelOps.Onnx;

/// <summary>
/// Runs a loaded model. The plan is compiled once per model. Each call borrows a run state from the session's pool
/// (value slots, the buffers kernels wrote last time, their scratch space) and returns it afterwards, so concurrent
/// callers never share one, and a repeated call of the same shape — a single row, say — allocates nothing but its
/// outputs: graph outputs are copied out of the reused buffers before the state goes back to the pool.
/// </summary>
public sealed class InferenceSession
{
    private readonly OnnxModel _model;
    private readonly ExecutionPlan _plan;
    private readonly (string Name, int Slot, ModelValueInfo Info)[] _inputs;
    private readonly (string Name, int Slot)[] _outputs;
    private readonly (int Slot, Tensor Value)[] _initializers;
    private readonly ConcurrentBag<RunState> _states = [];
    private RunState? _lastState;
    private readonly int _parallelism;
    private readonly long _keptBytes;

    internal InferenceSession(OnnxModel model)
        : this(model, new InferenceSessionOptions())
    {
    }

    internal InferenceSession(OnnxModel model, InferenceSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1.");
        }

        if (options.KeptBytesPerCall < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.KeptBytesPerCall, "KeptBytesPerCall cannot be negative.");
        }

        _parallelism = options.MaxDegreeOfParallelism;
        _keptBytes = options.KeptBytesPerCall;
        _model = model;
        _plan = model.Plan;
        _inputs = model.Inputs.Select(i => (i.Name, _plan.Slots[i.Name], i)).ToArray();
        _outputs = model.Outputs.Select(o => (o.Name, _plan.Slots[o.Name])).ToArray();
        _initializers = _plan.Initializers.Select(kv => (_plan.Slots[kv.Key], kv.Value)).ToArray();
    }

    public OnnxModel Model => _model;

    /// <summary>How many threads one call may use for a large batch.</summary>
    public int MaxDegreeOfParallelism => _parallelism;

    /// <summary>When set, every step's time and allocations are added to it (the benchmark's per-operator breakdown).</summary>
    internal StepProfile? Profile { get; set; }

    internal IReadOnlyList<(string Label, string Kernel)> StepNames => _plan.Steps.Select(s => (s.Label, s.Kernel.GetType().Name)).ToArray();

    /// <summary>Approximate bytes held by the compiled model (initializers).</summary>
    public long MemoryFootprintBytes => _plan.InitializerBytes;

    /// <summary>
    /// Runs the model on named inputs; returns every graph output by name. Every output must be a tensor; a model with a
    /// sequence output (ZipMap) runs with <see cref="RunValues"/>.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, CancellationToken cancellationToken = default)
    {
        RunState state = Execute(inputs, cancellationToken);
        try
        {
            var result = new Dictionary<string, Tensor>(_outputs.Length, StringComparer.Ordinal);
            foreach ((string name, int slot) in _outputs)
            {
                result[name] = Detach(state, slot) as Tensor
                    ?? throw new InvalidOperationException($"Output '{name}' is a sequence, not a tensor; run this model with RunValues.");
            }

            return result;
        }
        finally
        {
            Return(state);
        }
    }

    /// <summary>
    /// Runs the model on named inputs; returns every graph output by name: a <see cref="Tensor"/>, or for ZipMap a
    /// list of per-row maps (<c>IReadOnlyList&lt;IReadOnlyDictionary&lt;string, float&gt;&gt;</c> or with long keys).
    /// </summary>
    public IReadOnlyDictionary<string, object> RunValues(IReadOnlyDictionary<string, Tensor> inputs, CancellationToken cancellationToken = default)
    {
        RunState state = Execute(inputs, cancellationToken);
        try
        {
            var result = new Dictionary<string, object>(_outputs.Length, StringComparer.Ordinal);
            foreach ((string name, int slot) in _outputs)
            {
                result[name] = Detach(state, slot);
            }

            return result;
        }
        finally
        {
            Return(state);
        }
    }

    private RunState Execute(IReadOnlyDictionary<string, Tensor> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        // The last state returned sits in one slot, taken with a single exchange; concurrent callers fall back to the bag.
        RunState? state = Interlocked.Exchange(ref _lastState, null);
        if (state is null && !_states.TryTake(out state))
        {
            state = new RunState(_plan.SlotCount, _plan.Steps.Length);
        }

        try
        {
            object?[] values = state.Values;
            foreach ((int slot, Tensor tensor) in _initializers)
            {
                values[slot] = tensor;
            }

            foreach ((string name, int slot, ModelValueInfo info) in _inputs)
            {
                if (!inputs.TryGetValue(name, out Tensor? value))
                {
                    throw new ModelInputException($"Input '{name}' is missing; the model takes {string.Join(", ", _inputs.Select(i => i.Info.ToString()))}.");
                }

                Check(info, value);
                values[slot] = value;
            }

            if (inputs.Count != _inputs.Length)
            {
                string extra = inputs.Keys.First(k => !_inputs.Any(i => i.Name == k));
                throw new ModelInputException($"The model has no input named '{extra}'.");
            }

            PlanStep[] steps = _plan.Steps;
            StepProfile? profile = Profile;
            for (int s = 0; s < steps.Length; s++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                PlanStep step = steps[s];
                long started = profile is null ? 0 : profile.Start();
                try
                {
                    step.Kernel.Run(new KernelContext(values, step.Inputs, step.Outputs, cancellationToken, state, s, _parallelism, step.LastReads));
                }
                catch (Exception e) when (e is IndexOutOfRangeException or InvalidCastException or ArgumentException or InvalidOperationException)
                {
                    throw new ModelInputException($"Node '{step.Label}' could not run on these inputs: {e.Message}");
                }

                profile?.Stop(s, started);
            }

            foreach ((string name, int slot) in _outputs)
            {
                if (values[slot] is null) throw new InvalidModelException($"Graph output '{name}' was not produced.");
            }

            return state;
        }
        catch
        {
            Return(state);
            throw;
        }
    }

    /// <summary>
    /// A graph output the caller may keep: a tensor whose elements live in any buffer the run state will reuse (its own
    /// slot's, or another's reached through Identity, Reshape, Flatten …) is copied.
    /// </summary>
    private static object Detach(RunState state, int slot)
    {
        object value = state.Values[slot]!;
        if (value is not Tensor t) return value;
        foreach (Tensor?[] shelf in (ReadOnlySpan<Tensor?[]>)[state.Buffers, state.Batches])
        {
            foreach (Tensor? buffer in shelf)
            {
                if (buffer is not null && ReferenceEquals(buffer.Data, t.Data))
                {
                    return Tensor.Create(t.ElementType, (Array)t.Data.Clone(), (long[])t.Shape.Clone());
                }
            }
        }

        return t;
    }

    private void Return(RunState state)
    {
        // Drop the references to the caller's inputs and this run's values; keep the reusable buffers up to the
        // session's byte budget (slot order, then scratch), so a repeated batch reuses its memory instead of
        // allocating it again, while a pooled state never holds more than the budget.
        Array.Clear(state.Values);
        long budget = _keptBytes;
        Tensor?[] buffers = state.Buffers, batches = state.Batches;
        for (int i = 0; i < buffers.Length; i++)
        {
            // Views of batch-sized elements are dropped: their elements' owner is kept, or not, below.
            if (buffers[i] is { Length: > RunState.RowElements }) buffers[i] = null;
            if (batches[i] is not { } batch) continue;
            long bytes = RunState.ByteLength(batch.Data);
            if (bytes <= budget) budget -= bytes;
            else batches[i] = null;
        }

        foreach (Array?[]? scratch in state.Scratch)
        {
            for (int k = 0; scratch is not null && k < scratch.Length; k++)
            {
                if (scratch[k] is not { Length: > RunState.RowElements } array) continue;
                long bytes = RunState.ByteLength(array);
                if (bytes <= budget) budget -= bytes;
                else scratch[k] = null;
            }
        }

        if (Interlocked.CompareExchange(ref _lastState, state, null) is not null)
        {
            _states.Add(state);
        }
    }

    private static void Check(ModelValueInfo info, Tensor value)
    {
        if (info.Kind != "tensor")
        {
            return;
        }

        if (info.ElementType != TensorElementType.Undefined && info.ElementType != value.ElementType)
        {
            throw new ModelInputException($"Input '{info.Name}' must be {info.ElementType}, not {value.ElementType}.");
        }

        if (info.Shape is { } shape)
        {
            if (shape.Length != value.Rank)
            {
                throw new ModelInputException($"Input '{info.Name}' must have rank {shape.Length} ({info}), not {value.Rank}.");
            }

            for (int d = 0; d < shape.Length; d++)
            {
                if (shape[d] >= 0 && shape[d] != value.Shape[d])
                {
                    throw new ModelInputException($"Input '{info.Name}' dimension {d} must be {shape[d]}, not {value.Shape[d]}.");
                }
            }
        }
    }
}

/// <summary>Settings of an <see cref="InferenceSession"/>.</summary>
public sealed class InferenceSessionOptions
{
    /// <summary>
    /// How many threads one call may spread a large batch over (tree ensembles split their rows; the results are
    /// bit-identical to one thread). Single rows and small batches always run on the calling thread. Default: the
    /// machine's processor count; 1 keeps every call on its caller's thread.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// How many bytes of a call's batch-sized intermediate buffers (over 4,096 elements) a session keeps for the next call
    /// of the same shape, per concurrent caller: a repeated batch then reuses its memory instead of allocating it.
    /// Buffers of up to 4,096 elements are always kept. Default 64 MiB (a 10,000-row batch of the usual tabular pipelines fits); 0 keeps
    /// none.
    /// </summary>
    public long KeptBytesPerCall { get; init; } = 64L << 20;
}

/// <summary>
/// What one run needs and the next run of the same session may reuse: the value slots, the output tensor each slot
/// last received from a kernel (<see cref="Buffers"/>), and per-step scratch arrays.
/// </summary>
internal sealed class RunState(int slots, int steps)
{
    /// <summary>
    /// Buffers up to this many elements (single rows, small batches) sit on their own shelf and are always kept; larger
    /// ones sit on the batch shelf, kept within the session's byte budget.
    /// </summary>
    public const int RowElements = 4096;

    /// <summary>Results larger than this may write over an input the plan no longer needs.</summary>
    public const int InPlaceElements = 65_536;

    /// <summary>Bytes an element array holds (8 per string reference or Half, an upper bound).</summary>
    public static long ByteLength(Array data) => data.GetType().GetElementType() is { IsPrimitive: true } ? Buffer.ByteLength(data) : (long)data.Length * 8;

    public object?[] Values { get; } = new object?[slots];

    /// <summary>Buffers and views of up to <see cref="RowElements"/> elements, by slot.</summary>
    public Tensor?[] Buffers { get; } = new Tensor?[slots];

    /// <summary>Larger buffers by slot, kept apart so single rows and batches on one session each keep theirs.</summary>
    public Tensor?[] Batches { get; } = new Tensor?[slots];

    public Array?[][] Scratch { get; } = new Array?[steps][];
}
