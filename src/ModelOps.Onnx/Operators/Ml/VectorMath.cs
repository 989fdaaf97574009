using System.Numerics;
using System.Runtime.InteropServices;

namespace ModelOps.Onnx.Operators.Ml;

/// <summary>SIMD helpers for float rows (System.Numerics.Vector; the width is the machine's).</summary>
internal static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        var acc = Vector<float>.Zero;
        ReadOnlySpan<Vector<float>> va = MemoryMarshal.Cast<float, Vector<float>>(a);
        ReadOnlySpan<Vector<float>> vb = MemoryMarshal.Cast<float, Vector<float>>(b[..a.Length]);
        for (int k = 0; k < va.Length; k++)
        {
            acc += va[k] * vb[k];
        }

        i = va.Length * Vector<float>.Count;
        float sum = Vector.Sum(acc);
        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>y = (x − offset) · scale, element by element over equal-length spans.</summary>
    public static void ShiftScale(ReadOnlySpan<float> x, ReadOnlySpan<float> offset, ReadOnlySpan<float> scale, Span<float> y)
    {
        int n = x.Length;
        int vectors = n / Vector<float>.Count;
        ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        ReadOnlySpan<Vector<float>> vo = MemoryMarshal.Cast<float, Vector<float>>(offset);
        ReadOnlySpan<Vector<float>> vs = MemoryMarshal.Cast<float, Vector<float>>(scale);
        Span<Vector<float>> vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        for (int k = 0; k < vectors; k++)
        {
            vy[k] = (vx[k] - vo[k]) * vs[k];
        }

        for (int i = vectors * Vector<float>.Count; i < n; i++)
        {
            y[i] = (x[i] - offset[i]) * scale[i];
        }
    }
}
