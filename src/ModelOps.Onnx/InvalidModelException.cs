namespace ModelOps.Onnx;

/// <summary>
/// An ONNX model that cannot be loaded or run: malformed bytes, an unsupported opset or operator, a broken
/// graph or bad attributes. The message names the node (when there is one) and the reason.
/// </summary>
public sealed class InvalidModelException : Exception
{
    public InvalidModelException(string message)
        : base(message)
    {
    }

    public InvalidModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvalidModelException()
    {
    }

    /// <summary>True when the model is well formed but uses an operator or opset this engine does not implement.</summary>
    public bool IsUnsupported { get; init; }

    internal static InvalidModelException ForNode(Protobuf.NodeProto node, string reason) =>
        new($"Node '{NodeLabel(node)}' ({(node.Domain.Length == 0 ? "ai.onnx" : node.Domain)}.{node.OpType}): {reason}");

    internal static string NodeLabel(Protobuf.NodeProto node) => node.Name.Length > 0 ? node.Name : string.Join(",", node.Output);
}

/// <summary>Input that does not fit the model's declared inputs (names, types, shapes).</summary>
public sealed class ModelInputException(string message) : Exception(message)
{
    public ModelInputException()
        : this("The input does not fit the model.")
    {
    }

    public ModelInputException(string message, Exception innerException)
        : this(message + " " + innerException.Message)
    {
    }
}
