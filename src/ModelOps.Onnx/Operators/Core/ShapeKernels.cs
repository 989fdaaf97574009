using System.Globalization;

namespace ModelOps.Onnx.Operators.Core;

/// <summary>Identity: the input, unchanged.</summary>
internal sealed class IdentityKernel : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset) => new IdentityKernel();

    public override void Run(in KernelContext context) =>
        context.SetOutput(0, context.InputValue(0) ?? throw new ModelInputException("Input 0 of the node is missing."));
}

/// <summary>
/// Cast to the element type in <c>to</c>; strings parse and print numbers in the invariant culture. float16 narrows with
/// round-to-nearest-even; bfloat16 truncates before opset 19 (as the ONNX reference of that era) and rounds to nearest
/// even from opset 19.
/// </summary>
internal sealed class CastKernel(TensorElementType to, bool truncateBFloat16) : OperatorKernel
{
    /// <summary>The element type this cast produces.</summary>
    public TensorElementType To => to;

    public static OperatorKernel Create(NodeAttributes a, int opset)
    {
        var to = (TensorElementType)a.GetInt("to");
        return to is TensorElementType.Undefined || !Enum.IsDefined(to)
            ? throw new InvalidModelException(a.Invalid($"casting to {to} is not supported.").Message) { IsUnsupported = true }
            : new CastKernel(to, opset < 19);
    }

    /// <summary>CastLike (opset 15): cast the first input to the element type of the second.</summary>
    public static OperatorKernel CreateLike(NodeAttributes a, int opset) => new CastLikeKernel(opset < 19);

    private static double ParseNumber(string text)
    {
        string t = text.Trim();
        return t.ToUpperInvariant() switch
        {
            "INF" or "+INF" or "INFINITY" or "+INFINITY" => double.PositiveInfinity,
            "-INF" or "-INFINITY" => double.NegativeInfinity,
            "NAN" or "+NAN" or "-NAN" => double.NaN,
            _ => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw new ModelInputException($"Cast: '{text}' is not a number."),
        };
    }

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        if (to == x.ElementType && to != TensorElementType.BFloat16)
        {
            // Nothing to convert: the value itself, as Identity passes it on (values are never written over while read).
            context.SetOutput(0, x);
            return;
        }

        if (to is TensorElementType.Double or TensorElementType.Float && x.ElementType is TensorElementType.Double or TensorElementType.Float or TensorElementType.Bool or TensorElementType.Int64)
        {
            context.SetOutput(0, to == TensorElementType.Double ? Widen<double>(context, x, to) : Widen<float>(context, x, to));
            return;
        }

        if (to == TensorElementType.Bool && x.Data is float[] or double[])
        {
            // A number is true unless it is zero (NaN included), written into the step's reusable buffer.
            (Tensor flags, bool[] b) = context.OutputBuffer<bool>(0, TensorElementType.Bool, x.Shape);
            if (x.Data is float[] f)
            {
                for (int i = 0; i < b.Length; i++) b[i] = f[i] != 0;
            }
            else
            {
                double[] d = (double[])x.Data;
                for (int i = 0; i < b.Length; i++) b[i] = d[i] != 0;
            }

            context.SetOutput(0, flags);
            return;
        }

        if (CastIntegers.TryRun(context, x, to) is { } integers)
        {
            context.SetOutput(0, integers);
            return;
        }

        context.SetOutput(0, Convert(x, to, truncateBFloat16));
    }

    // Numbers and bools to float or double, written into the step's reusable buffer.
    private static Tensor Widen<T>(in KernelContext context, Tensor x, TensorElementType to)
        where T : System.Numerics.INumberBase<T>
    {
        (Tensor tensor, T[] r) = context.OutputBuffer<T>(0, to, x.Shape);
        switch (x.Data)
        {
            case double[] d:
                for (int i = 0; i < r.Length; i++) r[i] = T.CreateTruncating(d[i]);
                break;
            case float[] f:
                for (int i = 0; i < r.Length; i++) r[i] = T.CreateTruncating(f[i]);
                break;
            case bool[] b:
                for (int i = 0; i < r.Length; i++) r[i] = b[i] ? T.One : T.Zero;
                break;
            case long[] l:
                for (int i = 0; i < r.Length; i++) r[i] = T.CreateTruncating(l[i]);
                break;
        }

        return tensor;
    }

    internal static Tensor Convert(Tensor x, TensorElementType to, bool truncateBFloat16)
    {
        if (to == TensorElementType.String)
        {
            return Tensor.FromStrings(Enumerable.Range(0, x.Length).Select(i => x.Data.GetValue(i) switch
            {
                string s => s,
                bool b => b ? "1" : "0",
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                _ when TensorMath.IsFloating(x.ElementType) => ((float)x.GetDouble(i)).ToString("R", CultureInfo.InvariantCulture),
                object o => System.Convert.ToString(o, CultureInfo.InvariantCulture)!,
                _ => string.Empty,
            }).ToArray(), x.Shape);
        }

        double[] values = x.Data is string[] strings ? Array.ConvertAll(strings, ParseNumber) : TensorMath.Doubles(x);
        if (to == TensorElementType.BFloat16)
        {
            return Tensor.Create(to, Array.ConvertAll(values, v => BFloat16.FromSingle((float)v, roundToNearestEven: !truncateBFloat16)), x.Shape);
        }

        if (to == TensorElementType.Bool)
        {
            return Tensor.FromBools(Array.ConvertAll(values, v => v != 0), x.Shape);
        }

        if (x.Data is string[] || TensorMath.IsFloating(to) || TensorMath.IsFloating(x.ElementType))
        {
            return TensorMath.IsFloating(to)
                ? TensorMath.FromDoubles(to, values, x.Shape)
                : TensorMath.FromLongs(to, Array.ConvertAll(values, v => double.IsNaN(v) ? 0 : (long)v), x.Shape);
        }

        return TensorMath.FromLongs(to, TensorMath.Longs(x), x.Shape);
    }

    private sealed class CastLikeKernel(bool truncateBFloat16) : OperatorKernel
    {
        public override void Run(in KernelContext context) =>
            context.SetOutput(0, Convert(context.Input(0), context.Input(1).ElementType, truncateBFloat16));
    }
}

/// <summary>Constant: <c>value</c> or one of <c>value_float(s)</c>, <c>value_int(s)</c>, <c>value_string(s)</c>.</summary>
internal sealed class ConstantKernel(Tensor value) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset)
    {
        Tensor? value = a.GetTensor("value")
            ?? (a.Has("value_float") ? Tensor.FromFloats([a.GetFloat("value_float", 0)]) : null)
            ?? (a.Has("value_floats") ? Tensor.FromFloats(a.GetFloats("value_floats"), a.GetFloats("value_floats").Length) : null)
            ?? (a.Has("value_int") ? Tensor.FromInt64s([a.GetInt("value_int")]) : null)
            ?? (a.Has("value_ints") ? Tensor.FromInt64s(a.GetInts("value_ints"), a.GetInts("value_ints").Length) : null)
            ?? (a.Has("value_string") ? Tensor.FromStrings([a.GetString("value_string", string.Empty)]) : null)
            ?? (a.Has("value_strings") ? Tensor.FromStrings(a.GetStrings("value_strings"), a.GetStrings("value_strings").Length) : null);
        return value is null ? throw a.Invalid("needs a value attribute (sparse values are not supported).") : new ConstantKernel(value);
    }

    public override void Run(in KernelContext context) => context.SetOutput(0, value);
}

/// <summary>Shape, with the optional <c>start</c>/<c>end</c> slice of opset 15.</summary>
internal sealed class ShapeKernel(long? start, long? end) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset) =>
        new ShapeKernel(a.Has("start") ? a.GetInt("start") : null, a.Has("end") ? a.GetInt("end") : null);

    public override void Run(in KernelContext context)
    {
        long[] shape = context.Input(0).Shape;
        int r = shape.Length;
        int s = (int)Math.Clamp(start is { } st ? (st < 0 ? st + r : st) : 0, 0, r);
        int e = (int)Math.Clamp(end is { } en ? (en < 0 ? en + r : en) : r, 0, r);
        long[] dims = e > s ? shape[s..e] : [];
        context.SetOutput(0, Tensor.FromInt64s(dims, dims.Length));
    }
}

/// <summary>Reshape (opset 5 on): 0 copies the input dimension (unless <c>allowzero</c>), −1 is inferred.</summary>
internal sealed class ReshapeKernel(bool allowZero) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset) => new ReshapeKernel(a.GetInt("allowzero", 0) != 0);

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        Tensor request = context.Input(1);
        long[] requested = TensorMath.Longs(request);
        Span<long> shape = requested.Length <= 16 ? stackalloc long[requested.Length] : new long[requested.Length];
        int inferred = -1;
        long known = 1;
        for (int d = 0; d < requested.Length; d++)
        {
            long v = requested[d];
            if (v == 0 && !allowZero)
            {
                v = d < x.Rank ? x.Shape[d] : throw new ModelInputException($"Reshape: 0 at position {d} has no input dimension to copy.");
            }

            if (v == -1)
            {
                inferred = inferred < 0 ? d : throw new ModelInputException("Reshape: at most one dimension may be −1.");
                continue;
            }

            shape[d] = v >= 0 ? v : throw new ModelInputException($"Reshape: dimension {v} is invalid.");
            known *= v;
        }

        if (inferred >= 0)
        {
            shape[inferred] = known == 0 ? 0 : x.Length / known;
        }

        if (Tensor.ElementCount(shape) != x.Length)
        {
            throw new ModelInputException($"Reshape: [{string.Join(',', x.Shape)}] cannot become [{string.Join(',', shape.ToArray())}].");
        }

        context.SetOutput(0, context.View(0, x, shape));
    }
}

/// <summary>Flatten to 2-D at <c>axis</c> (default 1; negative axes from opset 11).</summary>
internal sealed class FlattenKernel(long axis) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset) => new FlattenKernel(a.GetInt("axis", 1));

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        long a = axis < 0 ? axis + x.Rank : axis;
        if (a < 0 || a > x.Rank)
        {
            throw new ModelInputException($"Flatten: axis {axis} is out of range for rank {x.Rank}.");
        }

        long outer = Tensor.ElementCount(x.Shape.AsSpan(0, (int)a));
        context.SetOutput(0, TensorMath.Reshaped(x, [outer, outer == 0 ? 0 : x.Length / outer]));
    }
}

/// <summary>Squeeze and Unsqueeze: axes from the attribute (before opset 13) or the second input (13 on).</summary>
internal sealed class SqueezeKernel(bool unsqueeze, long[]? attributeAxes, bool axesFromInput) : OperatorKernel
{
    public static KernelFactory For(bool unsqueeze, bool axesFromInput) =>
        (a, _) => new SqueezeKernel(unsqueeze, axesFromInput ? null : a.Has("axes") ? a.GetInts("axes") : null, axesFromInput);

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        long[]? axes = axesFromInput ? context.Optional(1) is { } t ? TensorMath.Longs(t) : null : attributeAxes;
        if (unsqueeze)
        {
            if (axes is null)
            {
                throw new ModelInputException("Unsqueeze needs axes.");
            }

            int rank = x.Rank + axes.Length;
            var inserted = new HashSet<int>(axes.Select(v => TensorMath.Axis(v, rank)));
            var shape = new long[rank];
            int source = 0;
            for (int d = 0; d < rank; d++)
            {
                shape[d] = inserted.Contains(d) ? 1 : x.Shape[source++];
            }

            context.SetOutput(0, TensorMath.Reshaped(x, shape));
            return;
        }

        var drop = axes is null
            ? Enumerable.Range(0, x.Rank).Where(d => x.Shape[d] == 1).ToHashSet()
            : axes.Select(v => TensorMath.Axis(v, x.Rank)).ToHashSet();
        if (drop.Any(d => x.Shape[d] != 1))
        {
            throw new ModelInputException("Squeeze: only dimensions of size 1 can be removed.");
        }

        context.SetOutput(0, TensorMath.Reshaped(x, x.Shape.Where((_, d) => !drop.Contains(d)).ToArray()));
    }
}

/// <summary>Transpose by <c>perm</c> (default: reverse the axes).</summary>
internal sealed class TransposeKernel(long[]? perm) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset) => new TransposeKernel(a.Has("perm") ? a.GetInts("perm") : null);

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        int rank = x.Rank;
        int[] p = perm is null ? Enumerable.Range(0, rank).Reverse().ToArray() : perm.Select(v => TensorMath.Axis(v, rank, "perm")).ToArray();
        if (p.Length != rank || p.Distinct().Count() != rank)
        {
            throw new ModelInputException($"Transpose: perm [{string.Join(',', p)}] is not a permutation of rank {rank}.");
        }

        long[] shape = p.Select(d => x.Shape[d]).ToArray();
        long[] inStrides = TensorMath.Strides(x.Shape);
        var index = new int[x.Length];
        var counter = new long[rank];
        for (int k = 0; k < index.Length; k++)
        {
            long offset = 0;
            for (int d = 0; d < rank; d++)
            {
                offset += counter[d] * inStrides[p[d]];
            }

            index[k] = (int)offset;
            TensorMath.Increment(counter, shape);
        }

        context.SetOutput(0, Tensor.Create(x.ElementType, TensorMath.Gather(x, index), shape));
    }
}

/// <summary>Concat along <c>axis</c>.</summary>
internal sealed class ConcatKernel(long axis) : OperatorKernel
{
    /// <summary>The axis attribute as written (may be negative).</summary>
    public long Axis => axis;

    public static OperatorKernel Create(NodeAttributes a, int opset) => new ConcatKernel(a.GetInt("axis"));

    public override void Run(in KernelContext context)
    {
        Tensor first = context.Input(0);
        int a = TensorMath.Axis(axis, first.Rank);
        Span<long> shape = first.Rank <= 16 ? stackalloc long[first.Rank] : new long[first.Rank];
        first.Shape.CopyTo(shape);
        shape[a] = 0;
        for (int i = 0; i < context.InputCount; i++)
        {
            Tensor t = context.Input(i);
            if (t.Rank != first.Rank || t.ElementType != first.ElementType)
            {
                throw new ModelInputException($"Concat: input {i} is {t}, which does not match {first}.");
            }

            for (int d = 0; d < t.Rank; d++)
            {
                if (d != a && t.Shape[d] != first.Shape[d]) throw new ModelInputException($"Concat: input {i} is {t}, which does not match {first} off axis {a}.");
            }

            shape[a] += t.Shape[a];
        }

        Tensor result = first.ElementType switch
        {
            TensorElementType.Double => Join<double>(context, a, shape),
            TensorElementType.Float => Join<float>(context, a, shape),
            TensorElementType.Int64 => Join<long>(context, a, shape),
            TensorElementType.String => Join<string>(context, a, shape),
            TensorElementType.Bool => Join<bool>(context, a, shape),
            _ => JoinAny(context, a, shape),
        };
        context.SetOutput(0, result);
    }

    // Each input contributes one contiguous block per outer index: typed block copies, no boxing.
    private static Tensor Join<T>(in KernelContext context, int a, ReadOnlySpan<long> shape)
    {
        (Tensor tensor, T[] data) = context.OutputBuffer<T>(0, context.Input(0).ElementType, shape);
        long outer = Tensor.ElementCount(shape[..a]);
        int width = (int)(outer == 0 ? 0 : data.Length / outer);
        int offset = 0;

        // Input by input, each row's block into its place: exported pipelines join one [N, 1] column per input, so a
        // block is often one element, copied directly rather than through Array.Copy.
        for (int i = 0; i < context.InputCount; i++)
        {
            Tensor t = context.Input(i);
            T[] source = (T[])t.Data;
            int block = (int)(t.Shape[a] * Tensor.ElementCount(t.Shape.AsSpan(a + 1)));
            if (block == 1)
            {
                for (int o = 0; o < outer; o++) data[(o * width) + offset] = source[o];
            }
            else if (block <= 8)
            {
                for (int o = 0; o < outer; o++)
                {
                    for (int j = 0; j < block; j++) data[(o * width) + offset + j] = source[(o * block) + j];
                }
            }
            else
            {
                for (int o = 0; o < outer; o++) source.AsSpan(o * block, block).CopyTo(data.AsSpan((o * width) + offset, block));
            }

            offset += block;
        }

        return tensor;
    }

    private static Tensor JoinAny(in KernelContext context, int a, ReadOnlySpan<long> shape)
    {
        Tensor first = context.Input(0);
        Array data = Array.CreateInstance(Tensor.ClrType(first.ElementType), Tensor.ElementCount(shape));
        Copy(context, a, shape, data);
        return Tensor.Create(first.ElementType, data, shape.ToArray());
    }

    private static void Copy(in KernelContext context, int a, ReadOnlySpan<long> shape, Array data)
    {
        long outer = Tensor.ElementCount(shape[..a]);
        long at = 0;
        for (long o = 0; o < outer; o++)
        {
            for (int i = 0; i < context.InputCount; i++)
            {
                Tensor t = context.Input(i);
                long block = t.Shape[a] * Tensor.ElementCount(t.Shape.AsSpan(a + 1));
                Array.Copy(t.Data, o * block, data, at, block);
                at += block;
            }
        }
    }
}

/// <summary>Gather along <c>axis</c> with (possibly negative) int32/int64 indices.</summary>
internal sealed class GatherKernel(long axis) : OperatorKernel
{
    private static Tensor Pick<T>(in KernelContext context, T[] table, long[] picks, TensorElementType type, long[] shape)
    {
        (Tensor tensor, T[] r) = context.OutputBuffer<T>(0, type, shape);
        for (int i = 0; i < picks.Length; i++)
        {
            long at = picks[i] < 0 ? picks[i] + table.Length : picks[i];
            r[i] = at >= 0 && at < table.Length ? table[at] : throw new ModelInputException($"Gather: index {picks[i]} is outside 0..{table.Length - 1}.");
        }

        return tensor;
    }

    public static OperatorKernel Create(NodeAttributes a, int opset) => new GatherKernel(a.GetInt("axis", 0));

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0), indices = context.Input(1);
        int a = TensorMath.Axis(axis, x.Rank);
        if (x.Rank == 1 && indices.Data is long[] picks)
        {
            // Looking values up in a 1-D table (class labels by index): the result has the indices' shape.
            Tensor? picked = x.Data switch
            {
                string[] s => Pick(context, s, picks, x.ElementType, indices.Shape),
                double[] d => Pick(context, d, picks, x.ElementType, indices.Shape),
                float[] f => Pick(context, f, picks, x.ElementType, indices.Shape),
                long[] l => Pick(context, l, picks, x.ElementType, indices.Shape),
                _ => null,
            };
            if (picked is not null)
            {
                context.SetOutput(0, picked);
                return;
            }
        }

        context.SetOutput(0, Gathered(x, indices, a));
    }

    // The general case, kept out of Run so its lambdas' closure is not allocated on the fast path.
    private static Tensor Gathered(Tensor x, Tensor indices, int a)
    {
        long dim = x.Shape[a];
        long outer = Tensor.ElementCount(x.Shape.AsSpan(0, a));
        long inner = Tensor.ElementCount(x.Shape.AsSpan(a + 1));
        long[] idx = TensorMath.Longs(indices).Select(i => i < 0 ? i + dim : i).ToArray();
        if (idx.Any(i => i < 0 || i >= dim))
        {
            throw new ModelInputException($"Gather: an index is outside 0..{dim - 1}.");
        }

        var map = new int[outer * idx.Length * inner];
        int k = 0;
        for (long o = 0; o < outer; o++)
        {
            foreach (long i in idx)
            {
                for (long j = 0; j < inner; j++)
                {
                    map[k++] = (int)((((o * dim) + i) * inner) + j);
                }
            }
        }

        long[] shape = [.. x.Shape[..a], .. indices.Shape, .. x.Shape[(a + 1)..]];
        return Tensor.Create(x.ElementType, TensorMath.Gather(x, map), shape);
    }
}

/// <summary>Slice: starts/ends/axes attributes (before opset 10) or starts/ends/axes/steps inputs (10 on).</summary>
internal sealed class SliceKernel(long[]? starts, long[]? ends, long[]? axes) : OperatorKernel
{
    public static OperatorKernel CreateFromAttributes(NodeAttributes a, int opset) =>
        new SliceKernel(a.GetInts("starts"), a.GetInts("ends"), a.Has("axes") ? a.GetInts("axes") : null);

    public static OperatorKernel CreateFromInputs(NodeAttributes a, int opset) => new SliceKernel(null, null, null);

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        long[] s = starts ?? TensorMath.Longs(context.Input(1));
        long[] e = ends ?? TensorMath.Longs(context.Input(2));
        long[]? ax = starts is null ? context.Optional(3) is { } t3 ? TensorMath.Longs(t3) : null : axes;
        long[]? st = starts is null && context.Optional(4) is { } t4 ? TensorMath.Longs(t4) : null;
        int rank = x.Rank;
        var begin = new long[rank];
        var step = Enumerable.Repeat(1L, rank).ToArray();
        long[] shape = (long[])x.Shape.Clone();
        for (int k = 0; k < s.Length; k++)
        {
            int d = TensorMath.Axis(ax?[k] ?? k, rank);
            long dim = x.Shape[d];
            long p = st?[k] ?? 1;
            if (p == 0)
            {
                throw new ModelInputException("Slice: a step cannot be 0.");
            }

            long b = s[k] < 0 ? s[k] + dim : s[k];
            long en = e[k] < 0 ? e[k] + dim : e[k];
            if (p > 0)
            {
                b = Math.Clamp(b, 0, dim);
                en = Math.Clamp(en, 0, dim);
                shape[d] = Math.Max(0, (en - b + p - 1) / p);
            }
            else
            {
                b = Math.Clamp(b, -1, dim - 1);
                en = Math.Clamp(en, -1, dim - 1);
                shape[d] = Math.Max(0, (b - en + (-p) - 1) / -p);
            }

            begin[d] = b;
            step[d] = p;
        }

        long[] strides = TensorMath.Strides(x.Shape);
        var index = new int[Tensor.ElementCount(shape)];
        var counter = new long[rank];
        for (int k = 0; k < index.Length; k++)
        {
            long offset = 0;
            for (int d = 0; d < rank; d++)
            {
                offset += (begin[d] + (counter[d] * step[d])) * strides[d];
            }

            index[k] = (int)offset;
            TensorMath.Increment(counter, shape);
        }

        context.SetOutput(0, Tensor.Create(x.ElementType, TensorMath.Gather(x, index), shape));
    }
}
