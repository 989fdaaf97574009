using Google.Protobuf;
using ModelOps.Onnx.Operators;
using ModelOps.Onnx.Protobuf;

namespace ModelOps.Onnx;

/// <summary>Limits applied while loading a model, so corrupt or hostile files fail fast.</summary>
public sealed class OnnxLoadOptions
{
    /// <summary>The largest model file accepted (default 512 MiB).</summary>
    public long MaxModelBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>The deepest message nesting accepted (default 64; protobuf's own default is 100).</summary>
    public int MaxNestingDepth { get; init; } = 64;
}

/// <summary>A graph input or output: its name, and what the model declares of its type and shape.</summary>
public sealed record ModelValueInfo(string Name, string Kind, TensorElementType ElementType, long[]? Shape)
{
    public override string ToString() =>
        Kind == "tensor" ? $"{Name}: {ElementType}[{(Shape is null ? "?" : string.Join(',', Shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))))}]" : $"{Name}: {Kind}";
}

/// <summary>
/// A loaded, validated ONNX model: parsed within size and nesting limits, every operator resolved to a
/// kernel for the model's opset, every value defined before use and no cycles. Create sessions to run it.
/// </summary>
public sealed class OnnxModel
{
    private OnnxModel(ModelProto proto, long sizeBytes, ExecutionPlan plan)
    {
        Proto = proto;
        SizeBytes = sizeBytes;
        Plan = plan;
        Inputs = proto.Graph.Input.Where(i => !plan.Initializers.ContainsKey(i.Name)).Select(Describe).ToArray();
        Outputs = proto.Graph.Output.Select(Describe).ToArray();
        Metadata = proto.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        Opsets = proto.OpsetImport.GroupBy(o => o.Domain.Length == 0 ? "ai.onnx" : o.Domain).ToDictionary(g => g.Key, g => g.Max(o => o.Version));
    }

    internal ModelProto Proto { get; }

    internal ExecutionPlan Plan { get; }

    public long SizeBytes { get; }

    public IReadOnlyList<ModelValueInfo> Inputs { get; }

    public IReadOnlyList<ModelValueInfo> Outputs { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public IReadOnlyDictionary<string, long> Opsets { get; }

    public long IrVersion => Proto.IrVersion;

    public string ProducerName => Proto.ProducerName;

    /// <summary>The distinct operators the graph uses, as <c>domain.OpType</c>.</summary>
    public IReadOnlyList<string> Operators => Proto.Graph.Node
        .Select(n => (n.Domain.Length == 0 ? "ai.onnx" : n.Domain) + "." + n.OpType).Distinct().Order(StringComparer.Ordinal).ToArray();

    public static OnnxModel LoadFile(string path, OnnxLoadOptions? options = null)
    {
        options ??= new OnnxLoadOptions();
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"No model file at {path}.", path);
        }

        if (info.Length > options.MaxModelBytes)
        {
            throw new InvalidModelException($"The model is {info.Length} bytes; the limit is {options.MaxModelBytes}.");
        }

        return Load(File.ReadAllBytes(path), options);
    }

    public static OnnxModel Load(Stream stream, OnnxLoadOptions? options = null)
    {
        options ??= new OnnxLoadOptions();
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > options.MaxModelBytes)
            {
                throw new InvalidModelException($"The model is larger than the limit of {options.MaxModelBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return Load(buffer.ToArray(), options);
    }

    public static OnnxModel Load(byte[] bytes, OnnxLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        options ??= new OnnxLoadOptions();
        if (bytes.Length > options.MaxModelBytes)
        {
            throw new InvalidModelException($"The model is {bytes.Length} bytes; the limit is {options.MaxModelBytes}.");
        }

        if (bytes.Length == 0)
        {
            throw new InvalidModelException("The model file is empty.");
        }

        ModelProto proto;
        try
        {
            using var input = CodedInputStream.CreateWithLimits(new MemoryStream(bytes, writable: false), bytes.Length, options.MaxNestingDepth);
            proto = ModelProto.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidModelException("The file is not a valid ONNX model: " + e.Message, e);
        }

        return FromProto(proto, bytes.Length);
    }

    internal static OnnxModel FromProto(ModelProto proto, long sizeBytes)
    {
        if (proto.Graph is null)
        {
            throw new InvalidModelException("The model has no graph.");
        }

        if (proto.OpsetImport.Count == 0)
        {
            throw new InvalidModelException("The model imports no operator set (opset_import is empty).");
        }

        if (proto.IrVersion is < 3 or > 11)
        {
            throw new InvalidModelException($"IR version {proto.IrVersion} is not supported (3 to 11).") { IsUnsupported = proto.IrVersion > 11 };
        }

        foreach (ValueInfoProto value in proto.Graph.Input.Concat(proto.Graph.Output))
        {
            if (value.Type?.TensorType is { } tensor && !Enum.IsDefined((TensorElementType)tensor.ElemType))
            {
                throw new InvalidModelException($"Graph value '{value.Name}' has element type {tensor.ElemType}, which this engine does not support.") { IsUnsupported = true };
            }
        }

        return new OnnxModel(proto, sizeBytes, ExecutionPlan.Compile(proto));
    }

    /// <summary>A session runs the model; sessions share the compiled plan and can be used concurrently.</summary>
    public InferenceSession CreateSession() => new(this, new InferenceSessionOptions());

    /// <summary>A session with the given settings (the degree of parallelism of large batches).</summary>
    public InferenceSession CreateSession(InferenceSessionOptions options) => new(this, options);

    /// <summary>The model's bytes (as loaded, or as built).</summary>
    public byte[] ToBytes() => Proto.ToByteArray();

    private static ModelValueInfo Describe(ValueInfoProto value)
    {
        TypeProto? type = value.Type;
        if (type?.TensorType is { } tensor)
        {
            long[]? shape = tensor.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1).ToArray();
            return new ModelValueInfo(value.Name, "tensor", (TensorElementType)tensor.ElemType, shape);
        }

        return new ModelValueInfo(value.Name, type?.SequenceType is not null ? "sequence" : type?.MapType is not null ? "map" : "unknown", TensorElementType.Undefined, null);
    }
}
