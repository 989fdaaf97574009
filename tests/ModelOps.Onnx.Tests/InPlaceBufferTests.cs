namespace ModelOps.Onnx.Tests;

/// <summary>
/// A large batch may write a step's result over an intermediate that no later step reads; one that is still read
/// later — directly or through a reshaped view — keeps its values, and the caller's inputs are never written.
/// </summary>
public sealed class InPlaceBufferTests
{
    private const int Rows = 400, Columns = 250; // 100,000 elements: too large for the pooled buffers

    [Fact]
    public void Intermediates_still_read_later_keep_their_values_in_a_large_batch()
    {
        // a = X − m; b = a / s (a is read again below); c = a · 2 (a's last reader); v = Reshape(a) read at the end;
        // y = (b + c) + Reshape(v) back to [Rows, Columns]; e = Exp(X) over the caller's input.
        var model = new OnnxModelBuilder().Opset("", 15)
            .Input("X", TensorElementType.Double, Rows, Columns)
            .Output("y", TensorElementType.Double, Rows, Columns).Output("e", TensorElementType.Double, Rows, Columns)
            .Initializer("m", Tensor.FromDoubles(Enumerable.Range(0, Columns).Select(j => j * 0.01).ToArray(), Columns))
            .Initializer("s", Tensor.FromDoubles([4.0], 1))
            .Initializer("two", Tensor.FromDoubles([2.0], 1))
            .Initializer("flat", Tensor.FromInt64s([Rows * Columns], 1))
            .Initializer("square", Tensor.FromInt64s([Rows, Columns], 2))
            .Node("Sub", ["X", "m"], ["a"]).Node("Reshape", ["a", "flat"], ["v"]).Node("Div", ["a", "s"], ["b"])
            .Node("Mul", ["a", "two"], ["c"]).Node("Add", ["b", "c"], ["bc"]).Node("Reshape", ["v", "square"], ["w"])
            .Node("Add", ["bc", "w"], ["y"]).Node("Exp", ["X"], ["e"])
            .Build();
        double[] x = Enumerable.Range(0, Rows * Columns).Select(i => Math.Sin(i) * 3).ToArray();
        double[] copy = (double[])x.Clone();
        InferenceSession session = model.CreateSession();

        for (int call = 0; call < 2; call++)
        {
            IReadOnlyDictionary<string, Tensor> result = session.Run(new Dictionary<string, Tensor> { ["X"] = Tensor.FromDoubles(x, Rows, Columns) });

            double[] y = result["y"].As<double>(), e = result["e"].As<double>();
            for (int i = 0; i < x.Length; i += 97)
            {
                double a = copy[i] - ((i % Columns) * 0.01);
                y[i].Should().Be(((a / 4) + (a * 2)) + a, $"element {i} of call {call}");
                e[i].Should().Be(Math.Exp(copy[i]));
            }

            x.Should().Equal(copy, "the caller's input is never written over");
        }
    }
}
