using System.Numerics;

namespace ModelOps.Onnx.Operators.Core;

/// <summary>
/// Cast to int64, int32 or uint32 from those and from float/double, element by element into the step's reusable
/// buffer (exported pipelines pass category indices through such casts on every column). Integers wrap as C does
/// (the general path's unchecked narrowing); floating point truncates toward zero, NaN gives 0.
/// </summary>
internal static class CastIntegers
{
    public static Tensor? TryRun(in KernelContext context, Tensor x, TensorElementType to) => to switch
    {
        TensorElementType.Int64 => From<long>(context, x, to),
        TensorElementType.Int32 => From<int>(context, x, to),
        TensorElementType.UInt32 => From<uint>(context, x, to),
        _ => null,
    };

    private static Tensor? From<TTo>(in KernelContext context, Tensor x, TensorElementType to)
        where TTo : struct, IBinaryInteger<TTo>
    {
        if (x.ElementType is not (TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.UInt32 or TensorElementType.Float or TensorElementType.Double))
        {
            return null;
        }

        (Tensor tensor, TTo[] r) = context.OutputBuffer<TTo>(0, to, x.Shape);
        switch (x.ElementType)
        {
            case TensorElementType.Int64: Integers((long[])x.Data, r); break;
            case TensorElementType.Int32: Integers((int[])x.Data, r); break;
            case TensorElementType.UInt32: Integers((uint[])x.Data, r); break;
            case TensorElementType.Float:
                float[] f = (float[])x.Data;
                for (int i = 0; i < r.Length; i++) r[i] = Truncate<TTo>(f[i]);
                break;
            default:
                double[] d = (double[])x.Data;
                for (int i = 0; i < r.Length; i++) r[i] = Truncate<TTo>(d[i]);
                break;
        }

        return tensor;
    }

    private static void Integers<TFrom, TTo>(TFrom[] source, TTo[] r)
        where TFrom : struct, IBinaryInteger<TFrom>
        where TTo : struct, IBinaryInteger<TTo>
    {
        for (int i = 0; i < r.Length; i++) r[i] = TTo.CreateTruncating(source[i]);
    }

    // As the general path: through double to int64 (NaN → 0), then narrowed.
    private static TTo Truncate<TTo>(double v)
        where TTo : struct, IBinaryInteger<TTo> => TTo.CreateTruncating(double.IsNaN(v) ? 0L : (long)v);
}
