namespace ModelOps.Onnx.Operators.Core;

/// <summary>How an operand of a binary operator lines up with the result, for the layouts that need no index table.</summary>
internal enum OperandLayout
{
    /// <summary>The operand has the result's elements, in order.</summary>
    Full,

    /// <summary>One value for every element.</summary>
    Scalar,

    /// <summary>The operand repeats every <see cref="BroadcastLayout.Inner"/> elements (<c>[N, k] op [k]</c>).</summary>
    Row,

    /// <summary>Each operand element covers a run of <see cref="BroadcastLayout.Inner"/> elements (<c>[N, k] op [N, 1]</c>).</summary>
    Column,
}

/// <summary>
/// The common broadcasts of a binary operator read as blocks: the result viewed as [outer, inner], one operand full
/// and the other a scalar, a repeated row or a stretched column. Anything else has no layout and takes the general path.
/// </summary>
internal readonly record struct BroadcastLayout(OperandLayout A, OperandLayout B, int Outer, int Inner, long[] Shape)
{
    public int Count => Outer * Inner;

    public static bool TryCreate(Tensor a, Tensor b, out BroadcastLayout layout)
    {
        layout = default;
        // The result's shape is usually one operand's own: take that array (a single-row call allocates nothing).
        long[] shape;
        if (Covers(a.Shape, b.Shape)) shape = a.Shape;
        else if (Covers(b.Shape, a.Shape)) shape = b.Shape;
        else if (!TryBroadcast(a.Shape, b.Shape, out shape)) return false;

        int n = (int)Tensor.ElementCount(shape);
        if (!Classify(a, shape, n, out OperandLayout la, out int innerA) || !Classify(b, shape, n, out OperandLayout lb, out int innerB)) return false;

        // Two partial operands (a row against a column, say) need the general path; so do two different splits.
        bool partialA = la is OperandLayout.Row or OperandLayout.Column, partialB = lb is OperandLayout.Row or OperandLayout.Column;
        if (partialA && partialB) return false;
        int inner = partialA ? innerA : partialB ? innerB : n;
        int outer = inner == 0 ? 0 : n / inner;
        layout = new BroadcastLayout(la, lb, outer, inner, shape);
        return true;
    }

    private static bool Classify(Tensor t, long[] shape, int n, out OperandLayout layout, out int inner)
    {
        inner = n;
        layout = OperandLayout.Full;
        if (t.Length == n && t.Shape.AsSpan().SequenceEqual(shape)) return true;
        if (t.Length == 1)
        {
            layout = OperandLayout.Scalar;
            return true;
        }

        // Left-pad the operand's shape with ones to the result's rank.
        int pad = shape.Length - t.Rank;
        long Dim(int d) => d < pad ? 1 : t.Shape[d - pad];

        // Row: ones (or absent) up to some axis, then exactly the result's trailing dimensions.
        int firstReal = 0;
        while (firstReal < shape.Length && Dim(firstReal) == 1) firstReal++;
        bool row = true;
        for (int d = firstReal; d < shape.Length && row; d++) row = Dim(d) == shape[d];
        if (row)
        {
            layout = OperandLayout.Row;
            inner = t.Length;
            return true;
        }

        // Column: exactly the result's leading dimensions, then ones.
        int lastReal = shape.Length - 1;
        while (lastReal >= 0 && Dim(lastReal) == 1) lastReal--;
        bool column = true;
        for (int d = 0; d <= lastReal && column; d++) column = Dim(d) == shape[d];
        if (column && t.Length > 0)
        {
            layout = OperandLayout.Column;
            inner = n / t.Length;
            return true;
        }

        return false;
    }

    // True when broadcasting `other` against `shape` leaves `shape` as it is.
    private static bool Covers(long[] shape, long[] other)
    {
        if (other.Length > shape.Length) return false;
        int pad = shape.Length - other.Length;
        for (int d = 0; d < other.Length; d++)
        {
            if (other[d] != shape[d + pad] && other[d] != 1) return false;
        }

        return true;
    }

    private static bool TryBroadcast(long[] a, long[] b, out long[] shape)
    {
        int rank = Math.Max(a.Length, b.Length);
        shape = new long[rank];
        for (int d = 0; d < rank; d++)
        {
            int ia = d - (rank - a.Length), ib = d - (rank - b.Length);
            long x = ia >= 0 ? a[ia] : 1, y = ib >= 0 ? b[ib] : 1;
            if (x != y && x != 1 && y != 1) return false;
            shape[d] = x == 1 ? y : x;
        }

        return true;
    }
}
