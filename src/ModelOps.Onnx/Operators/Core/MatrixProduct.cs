using System.Numerics;

namespace ModelOps.Onnx.Operators.Core;

/// <summary>
/// Row-major matrix products <c>r[m, n] = a[m, k] × b[k, n]</c> for float and double, accumulated in double.
/// Wide results go panel by panel: a block of B's rows stays in cache while a panel of A's rows adds into double
/// accumulators with <see cref="Vector{T}"/> multiply-adds. Narrow results (n below a vector's width — a linear model's
/// one column) are dot products of A's rows with B's transposed columns.
/// </summary>
internal static class MatrixProduct
{
    private const int PanelRows = 32;
    private const int BlockDepth = 128;

    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> r, int m, int k, int n, Span<double> scratch)
    {
        if (n < Vector<double>.Count)
        {
            Span<double> bt = scratch[..(k * n)];
            Transpose(b, bt, k, n);
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<double> row = a.Slice(i * k, k);
                for (int j = 0; j < n; j++) r[(i * n) + j] = Dot(row, bt.Slice(j * k, k));
            }

            return;
        }

        Span<double> acc = scratch[..(PanelRows * n)];
        for (int i0 = 0; i0 < m; i0 += PanelRows)
        {
            int rows = Math.Min(PanelRows, m - i0);
            acc[..(rows * n)].Clear();
            for (int p0 = 0; p0 < k; p0 += BlockDepth)
            {
                int depth = Math.Min(BlockDepth, k - p0);
                for (int i = 0; i < rows; i++)
                {
                    Span<double> sum = acc.Slice(i * n, n);
                    for (int p = p0; p < p0 + depth; p++)
                    {
                        double av = a[((i0 + i) * k) + p];
                        AddScaled(sum, b.Slice(p * n, n), av);
                    }
                }
            }

            acc[..(rows * n)].CopyTo(r.Slice(i0 * n, rows * n));
        }
    }

    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> r, int m, int k, int n, Span<double> scratch)
    {
        if (n < Vector<double>.Count)
        {
            // B transposed and widened once per call (k × n values): each row's dot products then read doubles.
            Span<double> bt = scratch[..(k * n)];
            for (int p = 0; p < k; p++)
            {
                for (int j = 0; j < n; j++) bt[(j * k) + p] = b[(p * n) + j];
            }

            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<float> row = a.Slice(i * k, k);
                for (int j = 0; j < n; j++) r[(i * n) + j] = (float)Dot(row, bt.Slice(j * k, k));
            }

            return;
        }

        Span<double> acc = scratch[..(PanelRows * n)];
        Span<double> wide = scratch.Slice(PanelRows * n, n);
        for (int i0 = 0; i0 < m; i0 += PanelRows)
        {
            int rows = Math.Min(PanelRows, m - i0);
            acc[..(rows * n)].Clear();
            for (int p0 = 0; p0 < k; p0 += BlockDepth)
            {
                int depth = Math.Min(BlockDepth, k - p0);
                for (int p = p0; p < p0 + depth; p++)
                {
                    Widen(b.Slice(p * n, n), wide);
                    for (int i = 0; i < rows; i++)
                    {
                        double av = a[((i0 + i) * k) + p];
                        AddScaled(acc.Slice(i * n, n), wide, av);
                    }
                }
            }

            for (int i = 0; i < rows * n; i++) r[(i0 * n) + i] = (float)acc[i];
        }
    }

    /// <summary>Scratch (in doubles) that either <c>Multiply</c> needs.</summary>
    public static int ScratchLength(int k, int n) => n < Vector<double>.Count ? k * n : (PanelRows + 1) * n;

    public static void Transpose<T>(ReadOnlySpan<T> source, Span<T> target, int rows, int columns)
    {
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++) target[(j * rows) + i] = source[(i * columns) + j];
        }
    }

    private static void AddScaled(Span<double> sum, ReadOnlySpan<double> row, double scale)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<double>(scale);
            for (; i <= row.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                (new Vector<double>(sum[i..]) + (s * new Vector<double>(row[i..]))).CopyTo(sum[i..]);
            }
        }

        for (; i < row.Length; i++) sum[i] += scale * row[i];
    }

    private static void Widen(ReadOnlySpan<float> source, Span<double> target)
    {
        for (int i = 0; i < source.Length; i++) target[i] = source[i];
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            Vector<double> acc = Vector<double>.Zero;
            for (; i <= x.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                acc += new Vector<double>(x[i..]) * new Vector<double>(y[i..]);
            }

            sum = Vector.Sum(acc);
        }

        for (; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }

    private static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<double> y)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            Vector<double> lo = Vector<double>.Zero, hi = Vector<double>.Zero;
            int half = Vector<double>.Count;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(x[i..]), out Vector<double> xl, out Vector<double> xh);
                lo += xl * new Vector<double>(y[i..]);
                hi += xh * new Vector<double>(y[(i + half)..]);
            }

            sum = Vector.Sum(lo + hi);
        }

        for (; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }
}
