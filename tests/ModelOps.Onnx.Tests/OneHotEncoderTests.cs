namespace ModelOps.Onnx.Tests;

/// <summary>OneHotEncoder over integer categories: a 1 in each known value's column, zeros (or an error) for the rest.</summary>
public sealed class OneHotEncoderTests
{
    private static InferenceSession Session(long zeros) => OnnxModel.Load(new OnnxModelBuilder().Opset("", 15).Opset("ai.onnx.ml", 3)
            .Input("X", TensorElementType.Int64, -1).Output("Y", TensorElementType.Float, -1, 3)
            .Node("OneHotEncoder", ["X"], ["Y"], "ai.onnx.ml", null, ("cats_int64s", new long[] { 5, 0, 2 }), ("zeros", zeros))
            .ToBytes()).CreateSession();

    [Fact]
    public void Known_integers_get_their_column_and_others_zeros()
    {
        long[] values = [0, 2, 5, -1, 7, 4096, long.MinValue, 5];

        float[] y = Session(zeros: 1).Run(new Dictionary<string, Tensor> { ["X"] = Tensor.FromInt64s(values, values.Length) })["Y"].As<float>();

        y.Should().Equal(0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0);
    }

    [Fact]
    public void An_unknown_integer_fails_when_zeros_is_off()
    {
        Action run = () => Session(zeros: 0).Run(new Dictionary<string, Tensor> { ["X"] = Tensor.FromInt64s([2, 3], 2) });

        run.Should().Throw<ModelInputException>().WithMessage("*3*not a known category*");
    }
}
