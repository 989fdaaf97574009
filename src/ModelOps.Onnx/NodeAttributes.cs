using System.Text;
using ModelOps.Onnx.Protobuf;

namespace ModelOps.Onnx;

/// <summary>Typed access to a node's attributes, with the node named in every error.</summary>
internal sealed class NodeAttributes(NodeProto node)
{
    private readonly Dictionary<string, AttributeProto> _attributes = node.Attribute
        .GroupBy(a => a.Name, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public NodeProto Node => node;

    public bool Has(string name) => _attributes.ContainsKey(name);

    public long GetInt(string name, long fallback) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.I : fallback;

    public long GetInt(string name) => Require(name).I;

    public float GetFloat(string name, float fallback) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.F : fallback;

    public string GetString(string name, string fallback) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.S.ToStringUtf8() : fallback;

    public long[] GetInts(string name) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.Ints.ToArray() : [];

    public float[] GetFloats(string name) => _attributes.TryGetValue(name, out AttributeProto? a) ? a.Floats.ToArray() : [];

    public string[] GetStrings(string name) => _attributes.TryGetValue(name, out AttributeProto? a)
        ? a.Strings.Select(s => s.ToString(Encoding.UTF8)).ToArray()
        : [];

    public Tensor? GetTensor(string name) => _attributes.TryGetValue(name, out AttributeProto? a) && a.T is not null
        ? TensorProtoConverter.ToTensor(a.T, $"Node '{InvalidModelException.NodeLabel(node)}' attribute '{name}'")
        : null;

    /// <summary>Doubles from a <c>*_as_tensor</c> attribute if present, else from the float list.</summary>
    public double[] GetDoublesOrFloats(string tensorName, string floatsName)
    {
        if (GetTensor(tensorName) is { } tensor)
        {
            return Enumerable.Range(0, tensor.Length).Select(tensor.GetDouble).ToArray();
        }

        return GetFloats(floatsName).Select(f => (double)f).ToArray();
    }

    public AttributeProto Require(string name) =>
        _attributes.TryGetValue(name, out AttributeProto? a) ? a : throw Invalid($"required attribute '{name}' is missing.");

    public InvalidModelException Invalid(string reason) => InvalidModelException.ForNode(node, reason);
}
