using System.Numerics;

namespace ModelOps.Onnx.Operators.Core;

/// <summary>
/// Arithmetic of a full operand against a short repeated row (<c>[N, k] op [k]</c>) or a stretched column
/// (<c>[N, k] op [N, 1]</c>), one pass over the rows with <see cref="Vector{T}"/> and a scalar tail. Per row this is
/// a few vector operations, where a library call per row would cost more in setup than in arithmetic. The same IEEE
/// operations as the element-by-element form, so the same bits.
/// </summary>
internal static class ShortRowKernels
{
    /// <summary>Rows up to this many elements take this path; longer ones amortize a vectorized call per row.</summary>
    public const int MaxInner = 512;

    /// <summary>
    /// r = f(full, row) (or f(row, full) when <paramref name="rowFirst"/>) for every row of <paramref name="inner"/>
    /// elements; <paramref name="column"/> says the partial operand holds one value per row instead of one row.
    /// </summary>
    public static void Apply<T>(Arithmetic op, T[] full, T[] partial, T[] r, int outer, int inner, bool column, bool rowFirst)
        where T : struct, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case Arithmetic.Add: Run<T, AddOp<T>>(full, partial, r, outer, inner, column, rowFirst); break;
            case Arithmetic.Sub: Run<T, SubOp<T>>(full, partial, r, outer, inner, column, rowFirst); break;
            case Arithmetic.Mul: Run<T, MulOp<T>>(full, partial, r, outer, inner, column, rowFirst); break;
            default: Run<T, DivOp<T>>(full, partial, r, outer, inner, column, rowFirst); break;
        }
    }

    private static void Run<T, TOp>(T[] full, T[] partial, T[] r, int outer, int inner, bool column, bool rowFirst)
        where T : struct, IFloatingPointIeee754<T>
        where TOp : struct, IVectorOp<T>
    {
        if (column) Column<T, TOp>(full, partial, r, outer, inner, rowFirst);
        else if (rowFirst) Row<T, TOp, Swapped>(full, partial, r, outer, inner);
        else Row<T, TOp, InOrder>(full, partial, r, outer, inner);
    }

    private static void Row<T, TOp, TOrder>(T[] full, T[] row, T[] r, int outer, int inner)
        where T : struct, IFloatingPointIeee754<T>
        where TOp : struct, IVectorOp<T>
        where TOrder : struct, IOrder
    {
        int width = Vector<T>.Count;
        int vectorEnd = Vector.IsHardwareAccelerated ? inner - (inner % width) : 0;
        ReadOnlySpan<T> y = row.AsSpan(0, inner);
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<T> x = full.AsSpan(o * inner, inner);
            Span<T> dst = r.AsSpan(o * inner, inner);
            int j = 0;
            for (; j < vectorEnd; j += width)
            {
                Vector<T> u = new(x[j..]), v = new(y[j..]);
                (TOrder.Swap ? TOp.Apply(v, u) : TOp.Apply(u, v)).CopyTo(dst[j..]);
            }

            for (; j < inner; j++) dst[j] = TOrder.Swap ? TOp.Apply(y[j], x[j]) : TOp.Apply(x[j], y[j]);
        }
    }

    private static void Column<T, TOp>(T[] full, T[] values, T[] r, int outer, int inner, bool valueFirst)
        where T : struct, IFloatingPointIeee754<T>
        where TOp : struct, IVectorOp<T>
    {
        int width = Vector<T>.Count;
        int vectorEnd = Vector.IsHardwareAccelerated ? inner - (inner % width) : 0;
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<T> x = full.AsSpan(o * inner, inner);
            Span<T> dst = r.AsSpan(o * inner, inner);
            T value = values[o];
            var v = new Vector<T>(value);
            int j = 0;
            for (; j < vectorEnd; j += width)
            {
                Vector<T> u = new(x[j..]);
                (valueFirst ? TOp.Apply(v, u) : TOp.Apply(u, v)).CopyTo(dst[j..]);
            }

            for (; j < inner; j++) dst[j] = valueFirst ? TOp.Apply(value, x[j]) : TOp.Apply(x[j], value);
        }
    }

    private interface IOrder
    {
        static abstract bool Swap { get; }
    }

    private readonly struct InOrder : IOrder
    {
        public static bool Swap => false;
    }

    private readonly struct Swapped : IOrder
    {
        public static bool Swap => true;
    }

    private interface IVectorOp<T>
        where T : struct, IFloatingPointIeee754<T>
    {
        static abstract Vector<T> Apply(Vector<T> u, Vector<T> v);

        static abstract T Apply(T u, T v);
    }

    private readonly struct AddOp<T> : IVectorOp<T>
        where T : struct, IFloatingPointIeee754<T>
    {
        public static Vector<T> Apply(Vector<T> u, Vector<T> v) => u + v;

        public static T Apply(T u, T v) => u + v;
    }

    private readonly struct SubOp<T> : IVectorOp<T>
        where T : struct, IFloatingPointIeee754<T>
    {
        public static Vector<T> Apply(Vector<T> u, Vector<T> v) => u - v;

        public static T Apply(T u, T v) => u - v;
    }

    private readonly struct MulOp<T> : IVectorOp<T>
        where T : struct, IFloatingPointIeee754<T>
    {
        public static Vector<T> Apply(Vector<T> u, Vector<T> v) => u * v;

        public static T Apply(T u, T v) => u * v;
    }

    private readonly struct DivOp<T> : IVectorOp<T>
        where T : struct, IFloatingPointIeee754<T>
    {
        public static Vector<T> Apply(Vector<T> u, Vector<T> v) => u / v;

        public static T Apply(T u, T v) => u / v;
    }
}
