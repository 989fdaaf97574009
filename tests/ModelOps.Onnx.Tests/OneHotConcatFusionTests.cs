namespace ModelOps.Onnx.Tests;

/// <summary>
/// Exported pipelines' OneHotEncoder → Reshape → Cast chains joined by one Concat run as one step, with exactly the
/// feature matrix the separate steps make, and reject what they reject.
/// </summary>
public sealed class OneHotConcatFusionTests
{
    private static readonly string[] Colours = ["red", "green", "blue"];
    private static readonly string[] Sizes = ["S", "M"];

    // Two text columns one-hot encoded (one with zeros for unknowns, one strict) around a numeric column, as the pipeline
    // exporter writes them; exposeEncoded also makes the encoders' outputs graph outputs, which keeps the steps apart.
    private static byte[] Model(bool exposeEncoded, long strictZeros = 0)
    {
        var builder = new OnnxModelBuilder().Opset("", 17).Opset("ai.onnx.ml", 3)
            .Input("colour", TensorElementType.String, -1, 1).Input("amount", TensorElementType.Double, -1, 1).Input("size", TensorElementType.String, -1, 1)
            .Output("features", TensorElementType.Double, -1, 6)
            .Initializer("colour_shape", Tensor.FromInt64s([-1, 3], 2)).Initializer("size_shape", Tensor.FromInt64s([-1, 2], 2));
        if (exposeEncoded) builder.Output("colour_onehot", TensorElementType.Float, -1, 1, 3).Output("size_onehot", TensorElementType.Float, -1, 1, 2);
        return builder
            .Node("OneHotEncoder", ["colour"], ["colour_onehot"], "ai.onnx.ml", null, ("cats_strings", Colours), ("zeros", 1L))
            .Node("Reshape", ["colour_onehot", "colour_shape"], ["colour_flat"])
            .Node("Cast", ["colour_flat"], ["colour_features"], "", null, ("to", (long)TensorElementType.Double))
            .Node("OneHotEncoder", ["size"], ["size_onehot"], "ai.onnx.ml", null, ("cats_strings", Sizes), ("zeros", strictZeros))
            .Node("Reshape", ["size_onehot", "size_shape"], ["size_flat"])
            .Node("Cast", ["size_flat"], ["size_features"], "", null, ("to", (long)TensorElementType.Double))
            .Node("Concat", ["colour_features", "amount", "size_features"], ["features"], "", null, ("axis", 1L))
            .ToBytes();
    }

    // The same joined features scored by a MatMul with a constant column (width 6, so two columns past the last whole
    // vector of four); exposeFeatures makes the joined matrix a graph output, which keeps the product a step of its own.
    private static byte[] Linear(bool exposeFeatures)
    {
        var builder = new OnnxModelBuilder().Opset("", 17).Opset("ai.onnx.ml", 3)
            .Input("colour", TensorElementType.String, -1, 1).Input("amount", TensorElementType.Double, -1, 1).Input("size", TensorElementType.String, -1, 1)
            .Output("score", TensorElementType.Double, -1, 1)
            .Initializer("colour_shape", Tensor.FromInt64s([-1, 3], 2)).Initializer("size_shape", Tensor.FromInt64s([-1, 2], 2))
            .Initializer("weights", Tensor.FromDoubles([0.3, -1.7, 2.25e-3, 0.1, -0.0, 4.5], 6, 1));
        if (exposeFeatures) builder.Output("features", TensorElementType.Double, -1, 6);
        return builder
            .Node("OneHotEncoder", ["colour"], ["colour_onehot"], "ai.onnx.ml", null, ("cats_strings", Colours), ("zeros", 1L))
            .Node("Reshape", ["colour_onehot", "colour_shape"], ["colour_flat"])
            .Node("Cast", ["colour_flat"], ["colour_features"], "", null, ("to", (long)TensorElementType.Double))
            .Node("OneHotEncoder", ["size"], ["size_onehot"], "ai.onnx.ml", null, ("cats_strings", Sizes), ("zeros", 1L))
            .Node("Reshape", ["size_onehot", "size_shape"], ["size_flat"])
            .Node("Cast", ["size_flat"], ["size_features"], "", null, ("to", (long)TensorElementType.Double))
            .Node("Concat", ["colour_features", "amount", "size_features"], ["features"], "", null, ("axis", 1L))
            .Node("MatMul", ["features", "weights"], ["score"])
            .ToBytes();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(900)]
    public void A_linear_score_of_the_joined_features_is_the_MatMul_to_the_bit(int rows)
    {
        InferenceSession fused = OnnxModel.Load(Linear(exposeFeatures: false)).CreateSession();
        InferenceSession separate = OnnxModel.Load(Linear(exposeFeatures: true)).CreateSession();
        Dictionary<string, Tensor> input = Rows(rows);

        Tensor mine = fused.Run(input)["score"];
        Tensor reference = separate.Run(input)["score"];

        fused.StepNames.Should().ContainSingle().Which.Label.Should().Contain("×");
        separate.StepNames.Should().Contain(s => s.Kernel == "MatMulKernel");
        mine.Shape.Should().Equal(rows, 1);
        mine.As<double>().Select(BitConverter.DoubleToInt64Bits).Should().Equal(reference.As<double>().Select(BitConverter.DoubleToInt64Bits));
    }

    private static Dictionary<string, Tensor> Rows(int n, bool unknownSize = false)
    {
        var random = new Random(9);
        // Fresh string objects per row, as a parser makes them; an unknown colour and the empty string now and then.
        string Colour(int r) => r % 37 == 5 ? "purple" : r % 41 == 7 ? string.Empty : new string(Colours[random.Next(3)].AsSpan());
        return new Dictionary<string, Tensor>
        {
            ["colour"] = Tensor.FromStrings(Enumerable.Range(0, n).Select(Colour).ToArray(), n, 1),
            ["amount"] = Tensor.FromDoubles(Enumerable.Range(0, n).Select(r => r % 13 == 0 ? double.NaN : (r * 0.37) - 20).ToArray(), n, 1),
            ["size"] = Tensor.FromStrings(Enumerable.Range(0, n).Select(r => unknownSize && r == n - 3 ? "XL" : new string(Sizes[r % 2].AsSpan())).ToArray(), n, 1),
        };
    }

    [Theory]
    [InlineData(1)]
    [InlineData(700)]
    public void Fused_chains_give_the_separate_steps_feature_matrix(int rows)
    {
        InferenceSession fused = OnnxModel.Load(Model(exposeEncoded: false)).CreateSession();
        InferenceSession separate = OnnxModel.Load(Model(exposeEncoded: true)).CreateSession();
        Dictionary<string, Tensor> input = Rows(rows);

        Tensor mine = fused.Run(input)["features"];
        Tensor reference = separate.Run(input)["features"];

        fused.StepNames.Should().ContainSingle().Which.Kernel.Should().Be("OneHotConcatKernel");
        separate.StepNames.Should().NotContain(s => s.Kernel == "OneHotConcatKernel");
        mine.Shape.Should().Equal(rows, 6);
        mine.As<double>().Select(BitConverter.DoubleToInt64Bits).Should().Equal(reference.As<double>().Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void An_unknown_category_of_a_strict_encoder_is_rejected_as_separately()
    {
        InferenceSession fused = OnnxModel.Load(Model(exposeEncoded: false)).CreateSession();
        InferenceSession separate = OnnxModel.Load(Model(exposeEncoded: true)).CreateSession();
        Dictionary<string, Tensor> input = Rows(600, unknownSize: true);

        Action mine = () => fused.Run(input);
        Action reference = () => separate.Run(input);

        mine.Should().Throw<ModelInputException>().WithMessage("*XL*not a known category*");
        reference.Should().Throw<ModelInputException>().WithMessage("*XL*not a known category*");
    }

    [Fact]
    public void A_numeric_piece_with_other_rows_is_rejected()
    {
        InferenceSession fused = OnnxModel.Load(Model(exposeEncoded: false)).CreateSession();
        Dictionary<string, Tensor> input = Rows(10);
        input["amount"] = Tensor.FromDoubles(new double[9], 9, 1);

        Action run = () => fused.Run(input);

        run.Should().Throw<ModelInputException>().WithMessage("*Concat*");
    }
}
