using ModelOps.Onnx;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring.Engines;

/// <summary>Lays validated rows out as the tensors a graph input declares: its element type, its rank, padded to a fixed batch.</summary>
internal static class InputTensors
{
    /// <summary>The tensor for rows <c>[start, start + count)</c>, with <paramref name="batch"/> rows (the rest zero or empty).</summary>
    public static Tensor Build(ModelValueInfo input, FeatureSchema schema, ValidatedRows rows, int start, int count, int batch)
    {
        if (schema.Layout == InputLayout.Vector)
        {
            int k = schema.VectorWidth;
            var values = new double[batch * k];
            Array.Copy(rows.Matrix!, start * k, values, 0, count * k);
            return Numeric(input.ElementType, values, [batch, k]);
        }

        long[] shape = input.Shape is [_] ? [batch] : [batch, 1];
        if (input.ElementType == TensorElementType.String)
        {
            var levels = new string[batch];
            Array.Fill(levels, string.Empty);
            string?[] given = rows.Levels[input.Name];
            for (int i = 0; i < count; i++)
            {
                levels[i] = given[start + i] ?? string.Empty;
            }

            return Tensor.FromStrings(levels, shape);
        }

        var numbers = new double[batch];
        Array.Copy(rows.Numbers[input.Name], start, numbers, 0, count);
        return Numeric(input.ElementType, numbers, shape);
    }

    private static Tensor Numeric(TensorElementType type, double[] values, long[] shape) => type switch
    {
        TensorElementType.Double => Tensor.FromDoubles(values, shape),
        TensorElementType.Float => Tensor.FromFloats(Array.ConvertAll(values, v => (float)v), shape),
        TensorElementType.Int64 => Tensor.FromInt64s(Array.ConvertAll(values, v => (long)v), shape),
        TensorElementType.Int32 => Tensor.FromInt32s(Array.ConvertAll(values, v => (int)Math.Clamp(v, int.MinValue, int.MaxValue)), shape),
        TensorElementType.Bool => Tensor.FromBools(Array.ConvertAll(values, v => v != 0), shape),
        _ => throw new ModelInputException($"Inputs of type {type} are not fed from rows."),
    };
}
