using System.Numerics;
using ModelOps.Onnx.Operators.Core;

namespace ModelOps.Onnx.Operators.Ml;

/// <summary>
/// Joined float64 features that only a MatMul by a constant [k, 1] column reads — a generalized linear model's score —
/// go straight into each row's dot product: a one-hot piece adds its category's weight, a numeric piece its value times
/// its weight, and the feature matrix is never written. The sum is the MatMul's to the bit: its vector lanes take
/// the same columns in the same order and are summed the same way, then the columns past the last whole vector one
/// by one. A one-hot zero is left out, which changes nothing: 0 × a finite weight is ±0, and adding ±0 to a lane
/// that starts at +0 leaves it as it is.
/// </summary>
internal sealed partial class OneHotConcatKernel
{
    /// <summary>Fuses each joined step whose result only a double MatMul by a constant, finite [k, 1] column reads.</summary>
    public static PlanStep[] FuseProduct(PlanStep[] steps, ISet<int> graphOutputs, IReadOnlyDictionary<int, Tensor> constants)
    {
        var readers = new Dictionary<int, int>();
        foreach (int slot in steps.SelectMany(s => s.Inputs).Where(s => s >= 0)) readers[slot] = readers.GetValueOrDefault(slot) + 1;
        var removed = new HashSet<PlanStep>();
        var replaced = new Dictionary<PlanStep, PlanStep>();
        foreach (PlanStep join in steps)
        {
            if (join.Kernel is not OneHotConcatKernel { _type: TensorElementType.Double, _weights: null } kernel || join.Outputs is not [int joined]
                || graphOutputs.Contains(joined) || readers.GetValueOrDefault(joined) != 1)
            {
                continue;
            }

            PlanStep? product = steps.FirstOrDefault(s => s.Kernel is MatMulKernel && s.Inputs is [int a, int b] && a == joined && b != joined
                && constants.TryGetValue(b, out Tensor? w) && w.ElementType == TensorElementType.Double && w.Shape is [_, 1] && w.As<double>().All(double.IsFinite));
            if (product is null) continue;
            removed.Add(product);
            replaced[join] = new PlanStep($"{join.Label} × {product.Label}", new OneHotConcatKernel(kernel._pieces, kernel._type, constants[product.Inputs[1]].As<double>()), join.Inputs, product.Outputs);
        }

        return steps.Where(s => !removed.Contains(s)).Select(s => replaced.GetValueOrDefault(s, s)).ToArray();
    }

    private Tensor Product(in KernelContext context, int rows, int width)
    {
        double[] w = _weights!;
        if (width != w.Length)
        {
            throw new ModelInputException($"MatMul: [{rows},{width}] × [{w.Length},1] do not align.");
        }

        (Tensor tensor, double[] y) = context.OutputBuffer<double>(0, TensorElementType.Double, [rows, 1]);
        int lanes = Vector<double>.Count;

        // As MatrixProduct's dot product: whole vectors of columns go to lanes when the row fills one, the rest one by one.
        int vectorEnd = Vector.IsHardwareAccelerated && width >= lanes ? width - (width % lanes) : 0;
        int[] found = context.Scratch<int>(0, BlockRows * _pieces.Length);
        Span<double> acc = stackalloc double[lanes];
        for (int start = 0; start < rows; start += BlockRows)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(BlockRows, rows - start);
            for (int i = 0; i < _pieces.Length; i++)
            {
                if (_pieces[i].Encoder is not { } encoder) continue;
                Span<int> into = found.AsSpan(i * BlockRows, count);
                if (context.Input(i).Data is string[] texts)
                {
                    encoder.TextCategories!.FindAll(texts, start, into);
                }
                else
                {
                    into.Fill(-1);
                }

                if (!encoder.ZerosForUnknown && into.Contains(-1))
                {
                    int bad = start + into.IndexOf(-1);
                    throw new ModelInputException($"OneHotEncoder: value {context.Input(i).Data.GetValue(bad)} is not a known category.");
                }
            }

            for (int r = 0; r < count; r++)
            {
                acc.Clear();
                double sum = 0;
                bool summed = vectorEnd == 0;
                int offset = 0;
                for (int i = 0; i < _pieces.Length; i++)
                {
                    if (_pieces[i].Encoder is { } encoder)
                    {
                        int k = found[(i * BlockRows) + r];
                        if (k >= 0) Add(offset + k, w[offset + k], acc, ref sum, ref summed, vectorEnd);
                        offset += encoder.Width;
                    }
                    else
                    {
                        Tensor t = context.Input(i);
                        int pw = (int)t.Shape[1];
                        double[] x = (double[])t.Data;
                        for (int j = 0; j < pw; j++) Add(offset + j, x[((start + r) * pw) + j] * w[offset + j], acc, ref sum, ref summed, vectorEnd);
                        offset += pw;
                    }
                }

                y[start + r] = summed ? sum : Vector.Sum(new Vector<double>(acc));
            }
        }

        return tensor;
    }

    // Column `column`'s product into its lane, or — past the last whole vector, columns coming in order — into the
    // running sum, which starts as the lanes' total.
    private static void Add(int column, double product, Span<double> acc, ref double sum, ref bool summed, int vectorEnd)
    {
        if (column < vectorEnd)
        {
            acc[column % acc.Length] += product;
            return;
        }

        if (!summed)
        {
            sum = Vector.Sum(new Vector<double>(acc));
            summed = true;
        }

        sum += product;
    }
}
