using ModelOps.Onnx;

namespace ModelOps.Testing;

/// <summary>Small real ONNX models written with the project's own builder, for tests that need an artifact.</summary>
public static class TestOnnxModels
{
    /// <summary>Y = X · w + b for X of shape [N, 2]; <paramref name="bias"/> makes distinct bytes.</summary>
    public static byte[] Linear(float bias = 0.5f) => new OnnxModelBuilder()
        .Opset("", 15)
        .Input("X", TensorElementType.Float, -1, 2).Output("Y", TensorElementType.Float, -1, 1)
        .Initializer("W", Tensor.FromFloats([0.25f, -1f], 2, 1))
        .Initializer("B", Tensor.FromFloats([bias], 1))
        .Node("MatMul", ["X", "W"], ["XW"])
        .Node("Add", ["XW", "B"], ["Y"])
        .ToBytes();
}
