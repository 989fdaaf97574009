namespace ModelOps.Onnx.Operators.Ml;

/// <summary>ai.onnx.ml Binarizer: 1 where x &gt; threshold, else 0, in the input's type.</summary>
internal sealed class BinarizerKernel(double threshold) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset) => new BinarizerKernel(a.GetFloat("threshold", 0f));

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        if (x.Data is float[] f && x.ElementType == TensorElementType.Float)
        {
            (Tensor result, float[] r) = context.OutputBuffer<float>(0, TensorElementType.Float, x.Shape);
            for (int i = 0; i < r.Length; i++) r[i] = float.IsNaN(f[i]) ? f[i] : f[i] > threshold ? 1 : 0;
            context.SetOutput(0, result);
            return;
        }

        var values = new double[x.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double v = x.GetDouble(i);
            values[i] = double.IsNaN(v) ? v : v > threshold ? 1 : 0;
        }

        context.SetOutput(0, Numeric.Like(x, values));
    }
}

/// <summary>ai.onnx.ml ArrayFeatureExtractor: selects entries of the last axis by the given indices.</summary>
internal sealed class ArrayFeatureExtractorKernel : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset) => new ArrayFeatureExtractorKernel();

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        Tensor indices = context.Input(1);
        long last = x.Rank == 0 ? 1 : x.Shape[^1];
        long outer = x.Rank <= 1 ? 1 : x.Length / last;
        long[] picks = Enumerable.Range(0, indices.Length).Select(i => (long)indices.GetDouble(i)).ToArray();
        foreach (long p in picks)
        {
            if (p < 0 || p >= last)
            {
                throw new ModelInputException($"ArrayFeatureExtractor index {p} is outside 0..{last - 1}.");
            }
        }

        var source = x.Data;
        var result = Array.CreateInstance(source.GetType().GetElementType()!, outer * picks.Length);
        for (long r = 0; r < outer; r++)
        {
            for (int k = 0; k < picks.Length; k++)
            {
                result.SetValue(source.GetValue((r * last) + picks[k]), (r * picks.Length) + k);
            }
        }

        long[] shape = x.Rank <= 1 ? [1, picks.Length] : [.. x.Shape[..^1], picks.Length];
        context.SetOutput(0, Tensor.Create(x.ElementType, result, shape));
    }
}

/// <summary>Small numeric helpers shared by kernels.</summary>
internal static class Numeric
{
    /// <summary>A tensor of the same type and shape as <paramref name="like"/> holding <paramref name="values"/>.</summary>
    public static Tensor Like(Tensor like, double[] values) => like.ElementType switch
    {
        TensorElementType.Float => Tensor.FromFloats(values.Select(v => (float)v).ToArray(), like.Shape),
        TensorElementType.Double => Tensor.FromDoubles(values, like.Shape),
        TensorElementType.Int64 => Tensor.FromInt64s(values.Select(v => (long)v).ToArray(), like.Shape),
        TensorElementType.Int32 => Tensor.FromInt32s(values.Select(v => (int)v).ToArray(), like.Shape),
        _ => throw new ModelInputException($"A {like.ElementType} tensor is not numeric here."),
    };
}
