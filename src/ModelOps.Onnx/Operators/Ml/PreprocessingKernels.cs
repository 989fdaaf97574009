namespace ModelOps.Onnx.Operators.Ml;

/// <summary>ai.onnx.ml Scaler: Y = (X − offset) · scale, with one value for all features or one per feature; float output.</summary>
internal sealed class ScalerKernel(double[] offset, double[] scale) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset)
    {
        double[] offset = a.GetFloats("offset").Select(f => (double)f).ToArray();
        double[] scale = a.GetFloats("scale").Select(f => (double)f).ToArray();
        if (offset.Length == 0 && scale.Length == 0)
        {
            throw a.Invalid("needs offset or scale.");
        }

        return new ScalerKernel(offset.Length == 0 ? [0] : offset, scale.Length == 0 ? [1] : scale);
    }

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        (Tensor y, float[] data) = context.OutputBuffer<float>(0, TensorElementType.Float, x.Shape);
        Fill(x, data);
        context.SetOutput(0, y);
    }

    /// <summary>The float offsets and scales for rows of <paramref name="c"/> features, or null when they do not fit.</summary>
    public (float[] Offset, float[] Scale)? FloatParameters(int c) =>
        (offset.Length != 1 && offset.Length != c) || (scale.Length != 1 && scale.Length != c)
            ? null
            : (Enumerable.Range(0, c).Select(j => (float)offset[offset.Length == 1 ? 0 : j]).ToArray(),
               Enumerable.Range(0, c).Select(j => (float)scale[scale.Length == 1 ? 0 : j]).ToArray());

    public Tensor Apply(Tensor x)
    {
        var y = new float[x.Length];
        Fill(x, y);
        return Tensor.FromFloats(y, x.Shape);
    }

    private void Fill(Tensor x, float[] y)
    {
        int c = x.Rank == 0 ? 1 : (int)x.Shape[^1];
        if ((offset.Length != 1 && offset.Length != c) || (scale.Length != 1 && scale.Length != c))
        {
            throw new ModelInputException($"Scaler has {offset.Length} offsets and {scale.Length} scales for {c} features.");
        }

        if (x.ElementType == TensorElementType.Float)
        {
            float[] f = (float[])x.Data;
            // Expanded once per width and kept (a reference swap, safe for concurrent runs).
            if (_floats is not { } cached || cached.Offset.Length != c)
            {
                (float[] offsets, float[] scales) = FloatParameters(c)!.Value;
                _floats = cached = new FloatScale(offsets, scales);
            }

            (float[] of, float[] sf) = (cached.Offset, cached.Scale);
            for (int start = 0; start < f.Length; start += c)
            {
                VectorMath.ShiftScale(f.AsSpan(start, c), of, sf, y.AsSpan(start, c));
            }
        }
        else
        {
            for (int i = 0; i < y.Length; i++)
            {
                int j = i % c;
                y[i] = (float)((x.GetDouble(i) - offset[offset.Length == 1 ? 0 : j]) * scale[scale.Length == 1 ? 0 : j]);
            }
        }
    }

    private FloatScale? _floats;

    private sealed record FloatScale(float[] Offset, float[] Scale);
}

/// <summary>ai.onnx.ml Normalizer: each row divided by its MAX, L1 or L2 norm; float output.</summary>
internal sealed class NormalizerKernel(string norm) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset)
    {
        string norm = a.GetString("norm", "MAX");
        return norm is "MAX" or "L1" or "L2" ? new NormalizerKernel(norm) : throw a.Invalid($"norm '{norm}' is not MAX, L1 or L2.");
    }

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        int c = x.Rank == 0 ? 1 : (int)x.Shape[^1];
        var y = new float[x.Length];
        for (int start = 0; start < x.Length; start += c)
        {
            double denominator = 0;
            double max = double.NegativeInfinity;
            for (int j = 0; j < c; j++)
            {
                double v = x.GetDouble(start + j);
                max = Math.Max(max, v);
                denominator += norm == "L1" ? Math.Abs(v) : v * v;
            }

            denominator = norm switch
            {
                "MAX" => max,
                "L2" => Math.Sqrt(denominator),
                _ => denominator,
            };
            for (int j = 0; j < c; j++)
            {
                double v = x.GetDouble(start + j);
                y[start + j] = (float)(denominator == 0 ? v : v / denominator);
            }
        }

        context.SetOutput(0, Tensor.FromFloats(y, x.Shape));
    }
}

/// <summary>ai.onnx.ml Imputer: replaces the missing marker (NaN by default for floats) with a value per feature or one for all.</summary>
internal sealed class ImputerKernel(double[] values, double replaced, bool integers) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset)
    {
        float[] floats = a.GetFloats("imputed_value_floats");
        long[] ints = a.GetInts("imputed_value_int64s");
        if ((floats.Length == 0) == (ints.Length == 0))
        {
            throw a.Invalid("exactly one of imputed_value_floats and imputed_value_int64s must be given.");
        }

        return floats.Length > 0
            ? new ImputerKernel(floats.Select(f => (double)f).ToArray(), a.GetFloat("replaced_value_float", 0f), integers: false)
            : new ImputerKernel(ints.Select(i => (double)i).ToArray(), a.GetInt("replaced_value_int64", 0), integers: true);
    }

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        int c = x.Rank == 0 ? 1 : (int)x.Shape[^1];
        if (values.Length != 1 && values.Length != c)
        {
            throw new ModelInputException($"Imputer has {values.Length} values for {c} features.");
        }

        if (!integers && x.Data is float[] f && x.ElementType == TensorElementType.Float)
        {
            // The usual case (a float feature matrix, NaN missing) into the step's buffer; values came from floats.
            (Tensor result, float[] r) = context.OutputBuffer<float>(0, TensorElementType.Float, x.Shape);
            bool nanMarker = double.IsNaN(replaced);
            for (int i = 0; i < r.Length; i++)
            {
                float v = f[i];
                r[i] = v == replaced || (nanMarker && float.IsNaN(v)) ? (float)values[values.Length == 1 ? 0 : i % c] : v;
            }

            context.SetOutput(0, result);
            return;
        }

        var y = new double[x.Length];
        for (int i = 0; i < y.Length; i++)
        {
            double v = x.GetDouble(i);
            bool missing = v == replaced || (double.IsNaN(replaced) && double.IsNaN(v));
            y[i] = missing ? values[values.Length == 1 ? 0 : i % c] : v;
        }

        context.SetOutput(0, integers ? Tensor.FromInt64s(y.Select(v => (long)v).ToArray(), x.Shape) : Numeric.Like(x, y));
    }
}

/// <summary>ai.onnx.ml OneHotEncoder: a new last axis with one float per category; unknown values give zeros (or fail when zeros = 0).</summary>
internal sealed class OneHotEncoderKernel(Dictionary<string, int>? strings, Dictionary<long, int>? ints, int width, bool zeros) : OperatorKernel
{
    // The dictionary keeps the first index of a repeated category.
    private readonly StringLookup? _lookup = strings is null ? null : new StringLookup(strings);

    // Integer categories between 0 and a few thousand: the column of each value, −1 for none.
    private readonly int[]? _dense = ints is { Count: > 0 } && ints.Keys.All(k => k is >= 0 and < 4096) ? Dense(ints) : null;

    private static int[] Dense(Dictionary<long, int> ints)
    {
        var table = new int[ints.Keys.Max() + 1];
        Array.Fill(table, -1);
        foreach ((long key, int column) in ints) table[key] = column;
        return table;
    }

    /// <summary>The text categories to their column (null when the categories are integers).</summary>
    public StringLookup? TextCategories => _lookup;

    /// <summary>Columns of the encoding (one per listed category).</summary>
    public int Width => width;

    /// <summary>An unknown value gives a row of zeros (true) or fails (false).</summary>
    public bool ZerosForUnknown => zeros;

    public static OperatorKernel Create(NodeAttributes a, int opset)
    {
        string[] strings = a.GetStrings("cats_strings");
        long[] ints = a.GetInts("cats_int64s");
        if ((strings.Length == 0) == (ints.Length == 0))
        {
            throw a.Invalid("exactly one of cats_strings and cats_int64s must be given.");
        }

        bool zeros = a.GetInt("zeros", 1) != 0;
        return strings.Length > 0
            ? new OneHotEncoderKernel(strings.Select((s, i) => (s, i)).GroupBy(p => p.s).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal), null, strings.Length, zeros)
            : new OneHotEncoderKernel(null, ints.Select((v, i) => (v, i)).GroupBy(p => p.v).ToDictionary(g => g.Key, g => g.First().i), ints.Length, zeros);
    }

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        Span<long> shape = x.Rank < 16 ? stackalloc long[x.Rank + 1] : new long[x.Rank + 1];
        x.Shape.CopyTo(shape);
        shape[^1] = width;
        (Tensor result, float[] y) = context.OutputBuffer<float>(0, TensorElementType.Float, shape);
        Array.Clear(y);
        if (_dense is { } dense && x.Data is long[] longs)
        {
            // Integer categories (ML.NET's key columns are 0 … n−1) through a table rather than a hash per value.
            for (int i = 0; i < longs.Length; i++)
            {
                int index = (ulong)longs[i] < (ulong)dense.Length ? dense[longs[i]] : -1;
                if (index >= 0) y[(i * width) + index] = 1;
                else if (!zeros) throw new ModelInputException($"OneHotEncoder: value {longs[i]} is not a known category.");
            }

            context.SetOutput(0, result);
            return;
        }

        string[]? texts = x.Data as string[];
        for (int i = 0; i < x.Length; i++)
        {
            int index = _lookup is not null
                ? texts is not null ? _lookup.Find(texts[i]) : -1
                : texts is not null ? -1 : ints!.TryGetValue((long)x.GetDouble(i), out int b) ? b : -1;
            if (index >= 0)
            {
                y[(i * width) + index] = 1;
            }
            else if (!zeros)
            {
                throw new ModelInputException($"OneHotEncoder: value {x.Data.GetValue(i)} is not a known category.");
            }
        }

        context.SetOutput(0, result);
    }
}

/// <summary>ai.onnx.ml CategoryMapper: strings to int64 through paired category lists, or back; defaults for unknowns.</summary>
internal sealed class CategoryMapperKernel(Dictionary<string, long> toInt, Dictionary<long, string> toString, long defaultInt, string defaultString) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset)
    {
        string[] strings = a.GetStrings("cats_strings");
        long[] ints = a.GetInts("cats_int64s");
        if (strings.Length != ints.Length || strings.Length == 0)
        {
            throw a.Invalid("cats_strings and cats_int64s must be non-empty and of equal length.");
        }

        var toInt = new Dictionary<string, long>(StringComparer.Ordinal);
        var toString = new Dictionary<long, string>();
        for (int i = 0; i < strings.Length; i++)
        {
            toInt.TryAdd(strings[i], ints[i]);
            toString.TryAdd(ints[i], strings[i]);
        }

        return new CategoryMapperKernel(toInt, toString, a.GetInt("default_int64", -1), a.GetString("default_string", "_Unused"));
    }

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        if (x.Data is string[] s)
        {
            context.SetOutput(0, Tensor.FromInt64s(s.Select(v => toInt.TryGetValue(v, out long i) ? i : defaultInt).ToArray(), x.Shape));
        }
        else
        {
            context.SetOutput(0, Tensor.FromStrings(Enumerable.Range(0, x.Length).Select(i => toString.TryGetValue((long)x.GetDouble(i), out string? v) ? v : defaultString).ToArray(), x.Shape));
        }
    }
}

/// <summary>ai.onnx.ml FeatureVectorizer: concatenates its inputs' features (each trimmed or zero-padded to its declared width) into one float row.</summary>
internal sealed class FeatureVectorizerKernel(long[] widths) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset)
    {
        long[] widths = a.GetInts("inputdimensions");
        return widths.Length > 0 && widths.All(w => w > 0) ? new FeatureVectorizerKernel(widths) : throw a.Invalid("inputdimensions must list a positive width per input.");
    }

    public override void Run(in KernelContext context)
    {
        if (context.InputCount != widths.Length)
        {
            throw new ModelInputException($"FeatureVectorizer declares {widths.Length} inputs but has {context.InputCount}.");
        }

        Tensor first = context.Input(0);
        int n = first.Rank <= 1 ? 1 : (int)first.Shape[0];
        int total = (int)widths.Sum();
        Span<long> shape = [n, total];
        (Tensor result, float[] y) = context.OutputBuffer<float>(0, TensorElementType.Float, shape);
        // A block of rows at a time, every input into it, so the block stays in cache while the inputs are written.
        const int BlockRows = 256;
        for (int start = 0; start < n; start += BlockRows)
        {
            int end = Math.Min(n, start + BlockRows), offset = 0;
            for (int k = 0; k < widths.Length; k++)
            {
                Tensor x = context.Input(k);
                int c = x.Length / n, copied = Math.Min(c, (int)widths[k]);
                if (copied < widths[k])
                {
                    // Zero padding: the reused buffer holds the last call's values there.
                    for (int r = start; r < end; r++) y.AsSpan((r * total) + offset + copied, (int)widths[k] - copied).Clear();
                }

                // Input by input, each row's features into place (a float column copied directly, others converted).
                if (x.Data is float[] f && x.ElementType == TensorElementType.Float)
                {
                    if (copied == 1)
                    {
                        for (int r = start; r < end; r++) y[(r * total) + offset] = f[r * c];
                    }
                    else
                    {
                        for (int r = start; r < end; r++) f.AsSpan(r * c, copied).CopyTo(y.AsSpan((r * total) + offset, copied));
                    }
                }
                else if (x.Data is double[] d && x.ElementType == TensorElementType.Double)
                {
                    for (int r = start; r < end; r++)
                    {
                        for (int j = 0; j < copied; j++) y[(r * total) + offset + j] = (float)d[(r * c) + j];
                    }
                }
                else
                {
                    for (int r = start; r < end; r++)
                    {
                        for (int j = 0; j < copied; j++) y[(r * total) + offset + j] = (float)x.GetDouble((r * c) + j);
                    }
                }

                offset += (int)widths[k];
            }
        }

        context.SetOutput(0, result);
    }
}
