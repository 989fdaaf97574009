namespace ModelOps.Onnx.Operators;

/// <summary>
/// One compiled node: attributes are parsed and checked once, when the session is built; <see cref="Run"/>
/// reads the node's inputs and writes its outputs and must be safe to call from several threads at once.
/// </summary>
internal abstract class OperatorKernel
{
    public abstract void Run(in KernelContext context);
}

/// <summary>
/// A kernel's view of the value slots of one run: its inputs (null when optional and absent) and outputs. Slots hold
/// tensors, or the sequences of maps that ZipMap makes.
/// </summary>
internal readonly ref struct KernelContext
{
    private readonly object?[] _values;
    private readonly int[] _inputs;
    private readonly int[] _outputs;

    private readonly RunState? _state;
    private readonly int _step;

    private readonly bool[] _lastReads;

    public KernelContext(object?[] values, int[] inputs, int[] outputs, CancellationToken cancellationToken, RunState? state = null, int step = 0, int parallelism = 1, bool[]? lastReads = null)
    {
        _lastReads = lastReads ?? [];
        _values = values;
        _inputs = inputs;
        _outputs = outputs;
        CancellationToken = cancellationToken;
        _state = state;
        _step = step;
        Parallelism = parallelism;
    }

    /// <summary>How many threads a kernel may spread a large batch over (the session's degree of parallelism).</summary>
    public int Parallelism { get; }

    /// <summary>
    /// A tensor for output <paramref name="index"/> to fill: the one this step wrote last run when its type and shape
    /// match (its old contents must all be overwritten), otherwise a new one that later runs will reuse.
    /// </summary>
    public (Tensor Tensor, T[] Data) OutputBuffer<T>(int index, TensorElementType type, ReadOnlySpan<long> shape)
    {
        int slot = index < _outputs.Length ? _outputs[index] : -1;
        long count = Tensor.ElementCount(shape);

        // Batch-sized buffers sit on their own shelf, so single rows between two batches do not displace them.
        Tensor?[]? shelf = _state is null || slot < 0 ? null : count > RunState.RowElements ? _state.Batches : _state.Buffers;
        if (shelf is not null && shelf[slot] is { } cached && cached.ElementType == type && cached.Shape.AsSpan().SequenceEqual(shape))
        {
            return (cached, (T[])cached.Data);
        }

        var data = new T[count];
        Tensor tensor = Tensor.Create(type, data, shape.ToArray());
        if (shelf is not null) shelf[slot] = tensor;
        return (tensor, data);
    }

    /// <summary>
    /// Like <see cref="OutputBuffer{T}"/>, for kernels that may write their result over input <paramref name="input"/>
    /// element by element: a large result takes over that input's buffer when this step reads it last, it has the
    /// result's type and shape, and no other value shares its elements, so the step writes into memory it has just
    /// read (still in cache). The input's producer gets this step's previous buffer in exchange: from the second call
    /// on, the two steps trade the same two buffers and allocate nothing.
    /// </summary>
    public (Tensor Tensor, T[] Data) OutputBufferOver<T>(int index, int input, TensorElementType type, ReadOnlySpan<long> shape)
    {
        int slot = index < _outputs.Length ? _outputs[index] : -1;
        if (_state is not null && slot >= 0 && input < _lastReads.Length && _lastReads[input] && Tensor.ElementCount(shape) > RunState.InPlaceElements)
        {
            int from = _inputs[input];
            Tensor?[] batches = _state.Batches;
            if (batches[from] is { } owned && ReferenceEquals(_values[from], owned) && owned.ElementType == type
                && owned.Shape.AsSpan().SequenceEqual(shape) && !SharedElsewhere(from, owned.Data))
            {
                // The input is dead after this step: its slot lets go, so a later step may write over the result in turn.
                // This step's buffer from the last call is in no value slot (slots are cleared between calls).
                batches[from] = batches[slot] is { } mine && !ReferenceEquals(mine, owned) && mine.ElementType == type
                    && mine.Shape.AsSpan().SequenceEqual(shape) ? mine : null;
                _values[from] = null;
                batches[slot] = owned;
                return (owned, (T[])owned.Data);
            }
        }

        return OutputBuffer<T>(index, type, shape);
    }

    private bool SharedElsewhere(int slot, Array data)
    {
        for (int s = 0; s < _values.Length; s++)
        {
            if (s != slot && _values[s] is Tensor t && ReferenceEquals(t.Data, data)) return true;
        }

        return false;
    }

    /// <summary>
    /// A tensor sharing <paramref name="source"/>'s elements under another shape (Reshape and friends): the view made
    /// last run when it wraps the same array with the same shape, otherwise a new one.
    /// </summary>
    public Tensor View(int index, Tensor source, ReadOnlySpan<long> shape)
    {
        int slot = index < _outputs.Length ? _outputs[index] : -1;
        if (_state is not null && slot >= 0 && _state.Buffers[slot] is { } cached && ReferenceEquals(cached.Data, source.Data)
            && cached.ElementType == source.ElementType && cached.Shape.AsSpan().SequenceEqual(shape))
        {
            return cached;
        }

        Tensor view = Tensor.Create(source.ElementType, source.Data, shape.ToArray());
        if (_state is not null && slot >= 0) _state.Buffers[slot] = view;
        return view;
    }

    /// <summary>A scratch array of this step (number <paramref name="key"/>), reused across runs; its contents are stale.</summary>
    public T[] Scratch<T>(int key, int length)
    {
        if (_state is null) return new T[length];

        // Keys 0–3; a batch-sized array keeps a place of its own, as output buffers do.
        Array?[] mine = _state.Scratch[_step] ??= new Array?[8];
        int place = length > RunState.RowElements ? key + 4 : key;
        if (mine[place] is T[] cached && cached.Length == length) return cached;
        var fresh = new T[length];
        mine[place] = fresh;
        return fresh;
    }

    public CancellationToken CancellationToken { get; }

    public int InputCount => _inputs.Length;

    public int OutputCount => _outputs.Length;

    public Tensor Input(int index) => Optional(index) ?? throw new ModelInputException($"Input {index} of the node is missing.");

    public Tensor? Optional(int index) => InputValue(index) switch
    {
        null => null,
        Tensor t => t,
        _ => throw new ModelInputException($"Input {index} of the node is a sequence or map; this operator takes tensors."),
    };

    /// <summary>Input <paramref name="index"/> whatever its kind (tensor, sequence), or null when absent.</summary>
    public object? InputValue(int index) => index < _inputs.Length && _inputs[index] >= 0 ? _values[_inputs[index]] : null;

    public void SetOutput(int index, object value)
    {
        if (index < _outputs.Length && _outputs[index] >= 0)
        {
            _values[_outputs[index]] = value;
        }
    }

    public bool WantsOutput(int index) => index < _outputs.Length && _outputs[index] >= 0;
}

/// <summary>Builds the kernel for one node from its attributes (throwing <see cref="InvalidModelException"/> for bad ones).</summary>
internal delegate OperatorKernel KernelFactory(NodeAttributes attributes, int opsetVersion);

/// <summary>
/// An operator this engine implements: domain, name, and the range of operator-set versions whose
/// definition it follows (<paramref name="SinceVersion"/> up to, not including, <paramref name="UntilVersion"/>,
/// the version in which the ONNX spec changed the operator next).
/// </summary>
internal sealed record OperatorDefinition(string Domain, string OpType, int SinceVersion, int UntilVersion, KernelFactory Factory)
{
    public string DomainLabel => Domain.Length == 0 ? "ai.onnx" : Domain;
}
