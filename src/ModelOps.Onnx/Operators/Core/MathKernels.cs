namespace ModelOps.Onnx.Operators.Core;

/// <summary>MatMul with numpy semantics: 1-D operands promoted and demoted, batch dimensions broadcast.</summary>
internal sealed class MatMulKernel : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset) => new MatMulKernel();

    private static Tensor Product(in KernelContext context, Tensor a, Tensor b)
    {
        int m = (int)Tensor.ElementCount(a.Shape.AsSpan(0, a.Rank - 1)), k = (int)b.Shape[0], n = b.Rank == 1 ? 1 : (int)b.Shape[1];
        // The result's shape on the stack: A's leading dimensions, then n unless B is 1-D.
        int rank = b.Rank == 1 ? a.Rank - 1 : a.Rank;
        Span<long> shape = rank <= 16 ? stackalloc long[rank] : new long[rank];
        a.Shape.AsSpan(0, a.Rank - 1).CopyTo(shape);
        if (b.Rank == 2) shape[^1] = n;
        Span<double> scratch = context.Scratch<double>(0, MatrixProduct.ScratchLength(k, n));
        if (a.ElementType == TensorElementType.Double)
        {
            (Tensor t, double[] r) = context.OutputBuffer<double>(0, TensorElementType.Double, shape);
            MatrixProduct.Multiply(a.As<double>(), b.As<double>(), r, m, k, n, scratch);
            return t;
        }

        (Tensor tensor, float[] f) = context.OutputBuffer<float>(0, TensorElementType.Float, shape);
        MatrixProduct.Multiply(a.As<float>(), b.As<float>(), f, m, k, n, scratch);
        return tensor;
    }

    public override void Run(in KernelContext context)
    {
        Tensor a = context.Input(0), b = context.Input(1);

        // [.., m, k] × [k, n]: the leading dimensions of A fold into its rows, one vectorized product.
        // A 1-D B is one column whose dimension the result drops; a 1-D A is one row, likewise.
        if (a.Rank >= 1 && b.Rank is 1 or 2 && a.Shape[^1] == b.Shape[0] && a.ElementType == b.ElementType && a.ElementType is TensorElementType.Double or TensorElementType.Float)
        {
            context.SetOutput(0, Product(context, a, b));
            return;
        }

        long[] sa = a.Rank == 1 ? [1, a.Shape[0]] : a.Shape;
        long[] sb = b.Rank == 1 ? [b.Shape[0], 1] : b.Shape;
        long m = sa[^2], k = sa[^1], n = sb[^1];
        if (sb[^2] != k)
        {
            throw new ModelInputException($"MatMul: [{string.Join(',', a.Shape)}] × [{string.Join(',', b.Shape)}] do not align.");
        }

        long[] batch = TensorMath.BroadcastShape(sa[..^2], sb[..^2]);
        int[] ia = TensorMath.BroadcastIndex(sa[..^2], batch), ib = TensorMath.BroadcastIndex(sb[..^2], batch);
        double[] x = TensorMath.Doubles(a), y = TensorMath.Doubles(b);
        var r = new double[ia.Length * m * n];
        for (int bt = 0; bt < ia.Length; bt++)
        {
            long ao = ia[bt] * m * k, bo = ib[bt] * k * n, ro = bt * m * n;
            for (long i = 0; i < m; i++)
            {
                for (long p = 0; p < k; p++)
                {
                    double av = x[ao + (i * k) + p];
                    if (av == 0)
                    {
                        continue;
                    }

                    for (long j = 0; j < n; j++)
                    {
                        r[ro + (i * n) + j] += av * y[bo + (p * n) + j];
                    }
                }
            }
        }

        var shape = new List<long>(batch);
        if (a.Rank != 1)
        {
            shape.Add(m);
        }

        if (b.Rank != 1)
        {
            shape.Add(n);
        }

        context.SetOutput(0, TensorMath.FromDoubles(a.ElementType, r, shape.ToArray()));
    }
}

/// <summary>Gemm: Y = alpha·A'·B' + beta·C, with optional transposes and C broadcast to [M, N] (opset 7 on).</summary>
internal sealed class GemmKernel(double alpha, double beta, bool transA, bool transB) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset) =>
        new GemmKernel(a.GetFloat("alpha", 1f), a.GetFloat("beta", 1f), a.GetInt("transA", 0) != 0, a.GetInt("transB", 0) != 0);

    public override void Run(in KernelContext context)
    {
        Tensor a = context.Input(0), b = context.Input(1);
        Tensor? c = context.Optional(2);
        if (a.Rank != 2 || b.Rank != 2)
        {
            throw new ModelInputException("Gemm needs 2-D A and B.");
        }

        long m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
        long kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
        {
            throw new ModelInputException($"Gemm: inner dimensions {k} and {kb} differ.");
        }

        if (a.ElementType == b.ElementType && a.ElementType is TensorElementType.Double or TensorElementType.Float
            && (c is null || (c.ElementType == a.ElementType && c.Rank <= 2)))
        {
            (int rows, int columns) = c is null ? (1, 1) : c.Rank switch { 0 => (1, 1), 1 => (1, (int)c.Shape[0]), _ => ((int)c.Shape[0], (int)c.Shape[1]) };
            if (rows is 1 || rows == m)
            {
                if (columns is 1 || columns == n)
                {
                    context.SetOutput(0, a.ElementType == TensorElementType.Double
                        ? Fast<double>(context, a, b, c, (int)m, (int)k, (int)n, rows, columns)
                        : Fast<float>(context, a, b, c, (int)m, (int)k, (int)n, rows, columns));
                    return;
                }
            }
        }

        double[] x = TensorMath.Doubles(a), y = TensorMath.Doubles(b);
        double[]? z = c is null ? null : TensorMath.Doubles(c);
        int[]? ic = c is null ? null : TensorMath.BroadcastIndex(c.Shape, [m, n]);
        var r = new double[m * n];
        for (long i = 0; i < m; i++)
        {
            for (long j = 0; j < n; j++)
            {
                double sum = 0;
                for (long p = 0; p < k; p++)
                {
                    double av = transA ? x[(p * m) + i] : x[(i * k) + p];
                    double bv = transB ? y[(j * k) + p] : y[(p * n) + j];
                    sum += av * bv;
                }

                r[(i * n) + j] = (alpha * sum) + (z is null ? 0 : beta * z[ic![(i * n) + j]]);
            }
        }

        context.SetOutput(0, TensorMath.FromDoubles(a.ElementType, r, [m, n]));
    }

    // Transposes into scratch when asked, one vectorized product, then alpha and beta·C (C read through its own
    // row and column strides: scalar, [n], [m, 1] or [m, n]).
    private Tensor Fast<T>(in KernelContext context, Tensor a, Tensor b, Tensor? c, int m, int k, int n, int cRows, int cColumns)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        T[] x = a.As<T>(), y = b.As<T>();
        if (transA)
        {
            T[] t = context.Scratch<T>(1, x.Length);
            MatrixProduct.Transpose<T>(x, t, k, m);
            x = t;
        }

        if (transB)
        {
            T[] t = context.Scratch<T>(2, y.Length);
            MatrixProduct.Transpose<T>(y, t, n, k);
            y = t;
        }

        (Tensor tensor, T[] r) = context.OutputBuffer<T>(0, a.ElementType, [m, n]);
        Span<double> scratch = context.Scratch<double>(0, MatrixProduct.ScratchLength(k, n));
        if (r is double[] rd) MatrixProduct.Multiply((double[])(object)x, (double[])(object)y, rd, m, k, n, scratch);
        else MatrixProduct.Multiply((float[])(object)x, (float[])(object)y, (float[])(object)r, m, k, n, scratch);

        T[]? z = c?.As<T>();
        if (alpha != 1 || (z is not null && beta != 0))
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double bias = z is null ? 0 : beta * double.CreateTruncating(z[((cRows == 1 ? 0 : i) * cColumns) + (cColumns == 1 ? 0 : j)]);
                    r[(i * n) + j] = T.CreateTruncating((alpha * double.CreateTruncating(r[(i * n) + j])) + bias);
                }
            }
        }

        return tensor;
    }
}

/// <summary>
/// Softmax and LogSoftmax. Before opset 13 the input is coerced to 2-D at <c>axis</c> (default 1) and
/// normalized per row; from 13 on, along <c>axis</c> (default −1).
/// </summary>
internal sealed class SoftmaxKernel(bool log, long axis, bool coerce2D) : OperatorKernel
{
    public static KernelFactory For(bool log, bool coerce2D) =>
        (a, _) => new SoftmaxKernel(log, a.GetInt("axis", coerce2D ? 1 : -1), coerce2D);

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        int a = TensorMath.Axis(axis, x.Rank);
        long outer = Tensor.ElementCount(x.Shape.AsSpan(0, a));
        long dim = coerce2D ? Tensor.ElementCount(x.Shape.AsSpan(a)) : x.Shape[a];
        long inner = coerce2D ? 1 : Tensor.ElementCount(x.Shape.AsSpan(a + 1));
        double[] v = TensorMath.Doubles(x);
        var r = new double[v.Length];
        for (long o = 0; o < outer; o++)
        {
            for (long i = 0; i < inner; i++)
            {
                long Index(long d) => (((o * dim) + d) * inner) + i;
                double max = double.NegativeInfinity;
                for (long d = 0; d < dim; d++)
                {
                    max = Math.Max(max, v[Index(d)]);
                }

                double sum = 0;
                for (long d = 0; d < dim; d++)
                {
                    sum += Math.Exp(v[Index(d)] - max);
                }

                for (long d = 0; d < dim; d++)
                {
                    double shifted = v[Index(d)] - max;
                    r[Index(d)] = log ? shifted - Math.Log(sum) : Math.Exp(shifted) / sum;
                }
            }
        }

        context.SetOutput(0, TensorMath.FromDoubles(x.ElementType, r, x.Shape));
    }
}

/// <summary>ArgMax and ArgMin along <c>axis</c>, with <c>keepdims</c> and <c>select_last_index</c>.</summary>
internal sealed class ArgKernel(bool max, long axis, bool keepDims, bool last) : OperatorKernel
{
    public static KernelFactory For(bool max) =>
        (a, _) => new ArgKernel(max, a.GetInt("axis", 0), a.GetInt("keepdims", 1) != 0, a.GetInt("select_last_index", 0) != 0);

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        int a = TensorMath.Axis(axis, x.Rank);
        long outer = Tensor.ElementCount(x.Shape.AsSpan(0, a)), dim = x.Shape[a], inner = Tensor.ElementCount(x.Shape.AsSpan(a + 1));
        double[] v = x.Data as double[] ?? TensorMath.Doubles(x);
        Span<long> shape = stackalloc long[keepDims ? x.Rank : x.Rank - 1];
        for (int d = 0, at = 0; d < x.Rank; d++)
        {
            if (d != a) shape[at++] = x.Shape[d];
            else if (keepDims) shape[at++] = 1;
        }

        (Tensor result, long[] r) = context.OutputBuffer<long>(0, TensorElementType.Int64, shape);
        for (long o = 0; o < outer; o++)
        {
            for (long i = 0; i < inner; i++)
            {
                long best = 0;
                double bestValue = v[(o * dim * inner) + i];
                for (long d = 1; d < dim; d++)
                {
                    double value = v[(((o * dim) + d) * inner) + i];
                    bool better = max ? value > bestValue : value < bestValue;
                    if (better || (last && value == bestValue))
                    {
                        (best, bestValue) = (d, value);
                    }
                }

                r[(o * inner) + i] = best;
            }
        }

        context.SetOutput(0, result);
    }
}

/// <summary>
/// ReduceSum, ReduceMean, ReduceMax, ReduceMin over <c>axes</c> (an attribute, or the second input from
/// opset 13 for ReduceSum and 18 for the others), with <c>keepdims</c> and <c>noop_with_empty_axes</c>.
/// </summary>
internal sealed class ReduceKernel(string op, long[]? attributeAxes, bool axesFromInput, bool keepDims, bool noopWithEmptyAxes) : OperatorKernel
{
    public static KernelFactory For(string op, bool axesFromInput) =>
        (a, _) => new ReduceKernel(op, axesFromInput || !a.Has("axes") ? null : a.GetInts("axes"), axesFromInput, a.GetInt("keepdims", 1) != 0, a.GetInt("noop_with_empty_axes", 0) != 0);

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        long[]? axes = axesFromInput ? context.Optional(1) is { Length: > 0 } t ? TensorMath.Longs(t) : null : attributeAxes;
        if (axes is null && noopWithEmptyAxes)
        {
            context.SetOutput(0, x);
            return;
        }

        var reduced = (axes ?? Enumerable.Range(0, x.Rank).Select(d => (long)d)).Select(v => TensorMath.Axis(v, x.Rank)).ToHashSet();
        long[] outShape = x.Shape.Select((s, d) => reduced.Contains(d) ? 1 : s).ToArray();
        int count = (int)Tensor.ElementCount(outShape);
        var acc = new double[count];
        var seen = new bool[count];
        var n = new long[count];
        long[] strides = TensorMath.Strides(outShape);
        double[] v = TensorMath.Doubles(x);
        var counter = new long[x.Rank];
        for (int k = 0; k < v.Length; k++)
        {
            long o = 0;
            for (int d = 0; d < x.Rank; d++)
            {
                o += reduced.Contains(d) ? 0 : counter[d] * strides[d];
            }

            double value = v[k];
            acc[o] = !seen[o] ? value : op switch
            {
                "ReduceMax" => Math.Max(acc[o], value),
                "ReduceMin" => Math.Min(acc[o], value),
                _ => acc[o] + value,
            };
            seen[o] = true;
            n[o]++;
            TensorMath.Increment(counter, x.Shape);
        }

        for (int o = 0; o < count; o++)
        {
            if (!seen[o])
            {
                acc[o] = op switch
                {
                    "ReduceMax" => double.NegativeInfinity,
                    "ReduceMin" => double.PositiveInfinity,
                    "ReduceMean" => double.NaN,
                    _ => 0,
                };
            }
            else if (op == "ReduceMean")
            {
                acc[o] /= n[o];
            }
        }

        long[] shape = keepDims ? outShape : x.Shape.Where((_, d) => !reduced.Contains(d)).ToArray();
        context.SetOutput(0, TensorMath.IsFloating(x.ElementType)
            ? TensorMath.FromDoubles(x.ElementType, acc, shape)
            : TensorMath.FromLongs(x.ElementType, Array.ConvertAll(acc, a => (long)a), shape));
    }
}
