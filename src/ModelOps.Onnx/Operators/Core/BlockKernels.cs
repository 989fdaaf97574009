using System.Numerics;
using System.Numerics.Tensors;

namespace ModelOps.Onnx.Operators.Core;

/// <summary>The four arithmetic operators that have vectorized span forms.</summary>
internal enum Arithmetic
{
    Add,
    Sub,
    Mul,
    Div,
}

/// <summary>
/// Binary operators over a <see cref="BroadcastLayout"/>: one segment of <c>Inner</c> result elements per outer
/// index, each operand a span or a single value there. Float and double arithmetic runs vectorized
/// (<see cref="TensorPrimitives"/>); IEEE single operations give the same bits as the double-then-round form the
/// general path computes, because double carries more than twice float's precision.
/// </summary>
internal static class BlockKernels
{
    public static void Arithmetic<T>(Arithmetic op, T[] x, T[] y, T[] r, in BroadcastLayout l)
        where T : struct, IFloatingPointIeee754<T>
    {
        int inner = l.Inner;
        if (l.Outer > 1 && inner <= ShortRowKernels.MaxInner)
        {
            // A full operand against a short row or a per-row value: one vector pass, no call per row.
            if (l.A == OperandLayout.Full && l.B is OperandLayout.Row or OperandLayout.Column)
            {
                ShortRowKernels.Apply(op, x, y, r, l.Outer, inner, l.B == OperandLayout.Column, rowFirst: false);
                return;
            }

            if (l.B == OperandLayout.Full && l.A is OperandLayout.Row or OperandLayout.Column)
            {
                ShortRowKernels.Apply(op, y, x, r, l.Outer, inner, l.A == OperandLayout.Column, rowFirst: true);
                return;
            }
        }

        for (int o = 0; o < l.Outer; o++)
        {
            Span<T> dst = r.AsSpan(o * inner, inner);
            bool spanA = IsSpan(l.A), spanB = IsSpan(l.B);
            if (spanA && spanB) SpanSpan(op, Segment(x, l.A, o, inner), Segment(y, l.B, o, inner), dst);
            else if (spanA) SpanValue(op, Segment(x, l.A, o, inner), Value(y, l.B, o), dst);
            else if (spanB) ValueSpan(op, Value(x, l.A, o), Segment(y, l.B, o, inner), dst);
            else dst.Fill(Apply(op, Value(x, l.A, o), Value(y, l.B, o)));
        }
    }

    /// <summary>Any per-element function over the layout (comparisons, logic, integer arithmetic, Pow).</summary>
    public static void Each<TIn, TOut, TOp>(TIn[] x, TIn[] y, TOut[] r, in BroadcastLayout l, TOp f)
        where TOp : struct, IElementFunction<TIn, TOut>
    {
        int inner = l.Inner;
        int stepA = IsSpan(l.A) ? 1 : 0, stepB = IsSpan(l.B) ? 1 : 0;
        for (int o = 0; o < l.Outer; o++)
        {
            int at = o * inner, ia = Start(l.A, o, inner), ib = Start(l.B, o, inner);
            for (int j = 0; j < inner; j++)
            {
                r[at + j] = f.Apply(x[ia + (j * stepA)], y[ib + (j * stepB)]);
            }
        }
    }

    private static bool IsSpan(OperandLayout layout) => layout is OperandLayout.Full or OperandLayout.Row;

    private static int Start(OperandLayout layout, int o, int inner) => layout switch
    {
        OperandLayout.Full => o * inner,
        OperandLayout.Column => o,
        _ => 0,
    };

    private static ReadOnlySpan<T> Segment<T>(T[] data, OperandLayout layout, int o, int inner) =>
        data.AsSpan(layout == OperandLayout.Full ? o * inner : 0, inner);

    private static T Value<T>(T[] data, OperandLayout layout, int o) => data[layout == OperandLayout.Column ? o : 0];

    private static T Apply<T>(Arithmetic op, T u, T v)
        where T : IFloatingPointIeee754<T> => op switch
        {
            Core.Arithmetic.Add => u + v,
            Core.Arithmetic.Sub => u - v,
            Core.Arithmetic.Mul => u * v,
            _ => u / v,
        };

    private static void SpanSpan<T>(Arithmetic op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> r)
        where T : IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case Core.Arithmetic.Add: TensorPrimitives.Add(x, y, r); break;
            case Core.Arithmetic.Sub: TensorPrimitives.Subtract(x, y, r); break;
            case Core.Arithmetic.Mul: TensorPrimitives.Multiply(x, y, r); break;
            default: TensorPrimitives.Divide(x, y, r); break;
        }
    }

    private static void SpanValue<T>(Arithmetic op, ReadOnlySpan<T> x, T y, Span<T> r)
        where T : IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case Core.Arithmetic.Add: TensorPrimitives.Add(x, y, r); break;
            case Core.Arithmetic.Sub: TensorPrimitives.Subtract(x, y, r); break;
            case Core.Arithmetic.Mul: TensorPrimitives.Multiply(x, y, r); break;
            default: TensorPrimitives.Divide(x, y, r); break;
        }
    }

    private static void ValueSpan<T>(Arithmetic op, T x, ReadOnlySpan<T> y, Span<T> r)
        where T : IFloatingPointIeee754<T>
    {
        switch (op)
        {
            // Addition and multiplication commute exactly in IEEE arithmetic.
            case Core.Arithmetic.Add: TensorPrimitives.Add(y, x, r); break;
            case Core.Arithmetic.Sub: TensorPrimitives.Subtract(x, y, r); break;
            case Core.Arithmetic.Mul: TensorPrimitives.Multiply(y, x, r); break;
            default: TensorPrimitives.Divide(x, y, r); break;
        }
    }
}

/// <summary>A per-element function as a struct, so the element loop is specialized and inlined (no delegate call).</summary>
internal interface IElementFunction<TIn, TOut>
{
    TOut Apply(TIn u, TIn v);
}
