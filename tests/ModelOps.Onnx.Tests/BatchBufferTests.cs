using ModelOps.Testing;

namespace ModelOps.Onnx.Tests;

/// <summary>
/// A session keeps a batch's intermediate buffers for its next call, up to its byte budget, and single rows in
/// between do not displace them: a repeated batch allocates about its outputs, not its intermediates again.
/// </summary>
public sealed class BatchBufferTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private const int Rows = 2000, Features = 40; // 80,000 elements per intermediate: batch-sized

    // Sigmoid(MatMul((X − mean) / scale, w) + b), as converters write a standardized linear model.
    private static OnnxModel Model() => new OnnxModelBuilder().Opset("", 15)
        .Input("X", TensorElementType.Float, -1, Features).Output("p", TensorElementType.Float, -1, 1)
        .Initializer("mean", Tensor.FromFloats(Enumerable.Range(0, Features).Select(j => j * 0.01f).ToArray(), Features))
        .Initializer("scale", Tensor.FromFloats(Enumerable.Range(0, Features).Select(j => 1 + (j * 0.1f)).ToArray(), Features))
        .Initializer("w", Tensor.FromFloats(Enumerable.Range(0, Features).Select(j => (j % 3) - 1f).ToArray(), Features, 1))
        .Initializer("b", Tensor.FromFloats([0.1f], 1))
        .Node("Sub", ["X", "mean"], ["c"]).Node("Div", ["c", "scale"], ["z"]).Node("MatMul", ["z", "w"], ["l"])
        .Node("Add", ["l", "b"], ["s"]).Node("Sigmoid", ["s"], ["p"])
        .Build();

    [Fact]
    public void A_repeated_batch_with_single_rows_between_reuses_its_intermediates()
    {
        float[] x = Enumerable.Range(0, Rows * Features).Select(i => (float)Math.Sin(i)).ToArray();
        var batch = new Dictionary<string, Tensor> { ["X"] = Tensor.FromFloats(x, Rows, Features) };
        var row = new Dictionary<string, Tensor> { ["X"] = Tensor.FromFloats(x[..Features], 1, Features) };
        InferenceSession kept = Model().CreateSession();
        InferenceSession none = Model().CreateSession(new InferenceSessionOptions { KeptBytesPerCall = 0 });

        long withBudget = Allocations.PerCall(() =>
        {
            kept.Run(batch);
            kept.Run(row);
        });
        long withoutBudget = Allocations.PerCall(() =>
        {
            none.Run(batch);
            none.Run(row);
        });

        log.WriteLine($"{withBudget} bytes per batch and row with the default budget, {withoutBudget} with none");
        const long intermediate = Rows * Features * sizeof(float);
        withBudget.Should().BeLessThan(intermediate / 4, "the batch's output is 8 KB; its 320 KB intermediates are reused");
        withoutBudget.Should().BeGreaterThanOrEqualTo(intermediate, "with no budget the batch allocates its intermediate again");
        kept.Run(batch)["p"].As<float>().Should().Equal(none.Run(batch)["p"].As<float>());
    }

    [Fact]
    public void A_negative_budget_is_refused()
    {
        Action create = () => Model().CreateSession(new InferenceSessionOptions { KeptBytesPerCall = -1 });
        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*KeptBytesPerCall*");
    }
}
