using System.Numerics;
using ModelOps.Onnx.Operators.Core;

namespace ModelOps.Onnx.Operators.Ml;

/// <summary>
/// A column Concat of a pipeline's features in which text columns arrive one-hot encoded — OneHotEncoder, Reshape to
/// [−1, k], optionally a Cast to float or double, as exporters write one chain per [N, 1] input — run as one plan step.
/// The 1 of each row's category is written straight into the feature matrix, a block of rows at a time, so the block
/// stays in cache while every piece is written, and no one-hot, reshaped or cast intermediate exists. Every element
/// is the one the separate steps give; inputs they would reject are rejected.
/// </summary>
internal sealed partial class OneHotConcatKernel : OperatorKernel
{
    /// <summary>Rows written piece by piece before the next block (a block of a few dozen columns fits in cache).</summary>
    private const int BlockRows = 256;

    private readonly Piece[] _pieces;
    private readonly TensorElementType _type;

    // Set when the joined features only feed a MatMul by a constant column: its weights (see the Product part).
    private readonly double[]? _weights;

    private OneHotConcatKernel(Piece[] pieces, TensorElementType type, double[]? weights = null)
    {
        _pieces = pieces;
        _type = type;
        _weights = weights;
    }

    /// <summary>One input of the Concat: a one-hot chain (its encoder) or a value taken as it is (null).</summary>
    private readonly record struct Piece(OneHotEncoderKernel? Encoder);

    /// <summary>
    /// Replaces every column Concat that joins at least one one-hot chain whose intermediate values nothing else reads.
    /// <paramref name="constants"/> gives the initializer in a slot, if any.
    /// </summary>
    public static PlanStep[] Fuse(PlanStep[] steps, ISet<int> graphOutputs, IReadOnlyDictionary<int, Tensor> constants)
    {
        var readers = new Dictionary<int, int>();
        var producer = new Dictionary<int, PlanStep>();
        foreach (PlanStep step in steps)
        {
            foreach (int slot in step.Inputs.Where(s => s >= 0)) readers[slot] = readers.GetValueOrDefault(slot) + 1;
            foreach (int slot in step.Outputs.Where(s => s >= 0)) producer[slot] = step;
        }

        // The step making `slot`, when it has that kernel type, that one output, and only one reader which the caller never sees.
        PlanStep? Private<TKernel>(int slot)
            where TKernel : OperatorKernel =>
            producer.TryGetValue(slot, out PlanStep? p) && p.Kernel is TKernel && p.Outputs is [_] && readers.GetValueOrDefault(slot) == 1
                && !graphOutputs.Contains(slot) ? p : null;

        var removed = new HashSet<PlanStep>();
        var replaced = new Dictionary<PlanStep, PlanStep>();
        foreach (PlanStep concat in steps)
        {
            if (concat.Kernel is not ConcatKernel { Axis: 1 or -1 } || concat.Outputs is not [_] || concat.Inputs.Any(s => s < 0)) continue;
            var pieces = new Piece[concat.Inputs.Length];
            int[] inputs = (int[])concat.Inputs.Clone();
            var chainSteps = new List<PlanStep>();
            TensorElementType? type = null;
            bool consistent = true;
            for (int i = 0; i < inputs.Length; i++)
            {
                int slot = inputs[i];
                PlanStep? cast = Private<CastKernel>(slot);
                TensorElementType pieceType = cast is null ? TensorElementType.Float : ((CastKernel)cast.Kernel).To;
                PlanStep? reshape = Private<ReshapeKernel>(cast?.Inputs[0] ?? slot);
                PlanStep? encode = reshape is { Inputs: [int encoded, int shape] } && constants.TryGetValue(shape, out Tensor? dims)
                    ? Private<OneHotEncoderKernel>(encoded) is { Kernel: OneHotEncoderKernel { TextCategories: not null } e } p && IsMinusOneBy(dims, e.Width) ? p : null
                    : null;
                if (encode is null || cast is { Inputs.Length: not 1 } || encode.Inputs.Length != 1 || encode.Inputs[0] < 0
                    || pieceType is not (TensorElementType.Float or TensorElementType.Double))
                {
                    continue;
                }

                consistent &= type is null || type == pieceType;
                type = pieceType;
                pieces[i] = new Piece((OneHotEncoderKernel)encode.Kernel);
                inputs[i] = encode.Inputs[0];
                chainSteps.AddRange(cast is null ? [reshape!, encode] : [cast, reshape!, encode]);
            }

            if (type is null || !consistent) continue;
            removed.UnionWith(chainSteps);
            replaced[concat] = new PlanStep($"{concat.Label} (one-hot joined)", new OneHotConcatKernel(pieces, type.Value), inputs, concat.Outputs);
        }

        return steps.Where(s => !removed.Contains(s)).Select(s => replaced.GetValueOrDefault(s, s)).ToArray();
    }

    private static bool IsMinusOneBy(Tensor dims, int width) =>
        dims.Data is long[] d && d is [-1, long w] && w == width;

    public override void Run(in KernelContext context)
    {
        // Shapes as the separate steps make them: a chain over X is [X.Length, k]; any other piece must be 2-D of the type.
        int rows = -1, width = 0;
        for (int i = 0; i < _pieces.Length; i++)
        {
            Tensor t = context.Input(i);
            long pieceRows, pieceWidth;
            if (_pieces[i].Encoder is { } encoder)
            {
                (pieceRows, pieceWidth) = (t.Length, encoder.Width);
            }
            else if (t.Rank == 2 && t.ElementType == _type)
            {
                (pieceRows, pieceWidth) = (t.Shape[0], t.Shape[1]);
            }
            else
            {
                throw new ModelInputException($"Concat: input {i} is {t}, which does not match the joined [N, k] {_type} features.");
            }

            if (rows >= 0 && pieceRows != rows) throw new ModelInputException($"Concat: input {i} has {pieceRows} rows, not {rows}.");
            rows = (int)pieceRows;
            width = checked(width + (int)pieceWidth);
        }

        Tensor result = _weights is not null ? Product(context, rows, width)
            : _type == TensorElementType.Double ? Join<double>(context, rows, width) : Join<float>(context, rows, width);
        context.SetOutput(0, result);
    }

    private Tensor Join<T>(in KernelContext context, int rows, int width)
        where T : unmanaged, INumberBase<T>
    {
        (Tensor tensor, T[] y) = context.OutputBuffer<T>(0, _type, [rows, width]);
        int[] found = context.Scratch<int>(0, BlockRows);
        for (int start = 0; start < rows; start += BlockRows)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(BlockRows, rows - start);
            y.AsSpan(start * width, count * width).Clear();
            int offset = 0;
            for (int i = 0; i < _pieces.Length; i++)
            {
                Tensor t = context.Input(i);
                if (_pieces[i].Encoder is { } encoder)
                {
                    Encode(encoder, t, start, found.AsSpan(0, count), y, width, offset);
                    offset += encoder.Width;
                }
                else
                {
                    int w = (int)t.Shape[1];
                    T[] source = (T[])t.Data;
                    if (w == 1)
                    {
                        for (int r = 0; r < count; r++) y[((start + r) * width) + offset] = source[start + r];
                    }
                    else
                    {
                        for (int r = 0; r < count; r++) source.AsSpan((start + r) * w, w).CopyTo(y.AsSpan(((start + r) * width) + offset, w));
                    }

                    offset += w;
                }
            }
        }

        return tensor;
    }

    private static void Encode<T>(OneHotEncoderKernel encoder, Tensor x, int start, Span<int> found, T[] y, int width, int offset)
        where T : unmanaged, INumberBase<T>
    {
        if (x.Data is string[] texts)
        {
            encoder.TextCategories!.FindAll(texts, start, found);
        }
        else
        {
            found.Fill(-1); // numbers are no text category
        }

        for (int r = 0; r < found.Length; r++)
        {
            int k = found[r];
            if (k >= 0)
            {
                y[((start + r) * width) + offset + k] = T.One;
            }
            else if (!encoder.ZerosForUnknown)
            {
                throw new ModelInputException($"OneHotEncoder: value {x.Data.GetValue(start + r)} is not a known category.");
            }
        }
    }
}
