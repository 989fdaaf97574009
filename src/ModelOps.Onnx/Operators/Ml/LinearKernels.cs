namespace ModelOps.Onnx.Operators.Ml;

/// <summary>
/// ai.onnx.ml LinearClassifier: scores = X·coefficientsᵀ + intercepts per class, then the post transform;
/// the label is the best class. With one coefficient row and two labels (binary), the scores are
/// [−s, s] (or [1 − p, p] under LOGISTIC) and the label is the second class when s &gt; 0.
/// </summary>
internal sealed class LinearClassifierKernel : OperatorKernel
{
    private readonly double[] _coefficients;
    private readonly double[] _intercepts;
    private readonly int _classes;
    private readonly string _post;
    private readonly string[]? _stringLabels;
    private readonly long[]? _intLabels;
    private readonly float[] _floatCoefficients;

    private LinearClassifierKernel(double[] coefficients, double[] intercepts, int classes, string post, string[]? stringLabels, long[]? intLabels)
    {
        (_coefficients, _intercepts, _classes, _post, _stringLabels, _intLabels) = (coefficients, intercepts, classes, post, stringLabels, intLabels);
        _floatCoefficients = Array.ConvertAll(coefficients, v => (float)v);
    }

    public static OperatorKernel Create(NodeAttributes a, int opset)
    {
        double[] coefficients = a.GetFloats("coefficients").Select(f => (double)f).ToArray();
        double[] intercepts = a.GetFloats("intercepts").Select(f => (double)f).ToArray();
        string[]? strings = a.GetStrings("classlabels_strings") is { Length: > 0 } s ? s : null;
        long[]? ints = a.GetInts("classlabels_ints") is { Length: > 0 } i ? i : null;
        if ((strings is null) == (ints is null))
        {
            throw a.Invalid("exactly one of classlabels_strings and classlabels_ints must be given.");
        }

        int labels = strings?.Length ?? ints!.Length;
        int rows = intercepts.Length > 0 ? intercepts.Length : labels == 2 && coefficients.Length > 0 ? 1 : labels;
        if (rows == 0 || coefficients.Length % rows != 0 || (rows != labels && !(rows == 1 && labels == 2)))
        {
            throw a.Invalid($"{coefficients.Length} coefficients and {intercepts.Length} intercepts do not fit {labels} class labels.");
        }

        string post = a.GetString("post_transform", "NONE");
        PostTransform.Validate(a, post);
        return new LinearClassifierKernel(coefficients, intercepts.Length == 0 ? new double[rows] : intercepts, rows, post, strings, ints);
    }

    /// <summary>Number of features each row must have.</summary>
    public int Features => _coefficients.Length / _classes;

    public override void Run(in KernelContext context) => Classify(context, context.Input(0), null, null);

    /// <summary>
    /// Scores <paramref name="x"/>; with <paramref name="prescale"/> (a Scaler fused into this step) each float row is
    /// shifted and scaled into a row buffer first, the same float operations the Scaler would do, without materialising
    /// its output.
    /// </summary>
    public void Classify(in KernelContext context, Tensor x, ScalerKernel? prescale, (float[] Offset, float[] Scale)? rowScale)
    {
        int features = _coefficients.Length / _classes;
        if (prescale is not null && (rowScale is null || x.ElementType != TensorElementType.Float))
        {
            x = prescale.Apply(x);
            rowScale = null;
        }

        (int n, int columns) = FeatureMatrix.Dimensions(x, features - 1);
        if (columns != features)
        {
            throw new ModelInputException($"LinearClassifier expects {features} features, not {columns}.");
        }

        bool binary = _classes == 1;
        int width = binary ? 2 : _classes;
        (Tensor scoreTensor, float[] scores) = context.OutputBuffer<float>(1, TensorElementType.Float, [n, width]);
        Span<double> s = stackalloc double[width];
        double[] row = context.Scratch<double>(0, columns);
        float[]? scaled = rowScale is null ? null : context.Scratch<float>(1, columns);
        ReadOnlySpan<long> labelShape = [n];
        (Tensor Tensor, string[] Data)? stringOut = _stringLabels is null ? null : context.OutputBuffer<string>(0, TensorElementType.String, labelShape);
        (Tensor Tensor, long[] Data)? intOut = _intLabels is null ? null : context.OutputBuffer<long>(0, TensorElementType.Int64, labelShape);
        float[]? floats = x.ElementType == TensorElementType.Float ? (float[])x.Data : null;
        for (int r = 0; r < n; r++)
        {
            if (floats is null)
            {
                FeatureMatrix.ReadRow(x, r, row);
            }

            float[]? source = floats;
            int at = r;
            if (scaled is not null)
            {
                VectorMath.ShiftScale(floats.AsSpan(r * columns, columns), rowScale!.Value.Offset, rowScale.Value.Scale, scaled);
                (source, at) = (scaled, 0);
            }

            int best;
            if (binary)
            {
                best = PostTransform.ApplyBinary(_post, Dot(source, row, at, 0) + _intercepts[0], s);
            }
            else
            {
                for (int c = 0; c < _classes; c++)
                {
                    s[c] = Dot(source, row, at, c) + _intercepts[c];
                }

                PostTransform.Apply(_post, s);
                best = 0;
                for (int c = 1; c < _classes; c++)
                {
                    if (s[c] > s[best])
                    {
                        best = c;
                    }
                }
            }

            for (int c = 0; c < width; c++)
            {
                scores[(r * width) + c] = (float)s[c];
            }

            if (stringOut is { } strings)
            {
                strings.Data[r] = _stringLabels![best];
            }
            else
            {
                intOut!.Value.Data[r] = _intLabels![best];
            }
        }

        context.SetOutput(0, stringOut?.Tensor ?? intOut!.Value.Tensor);
        context.SetOutput(1, scoreTensor);
    }

    // Float inputs take the SIMD path in float, as ONNX Runtime computes; other types go through doubles.
    private double Dot(float[]? floats, double[] row, int r, int c)
    {
        int features = row.Length;
        if (floats is not null)
        {
            return VectorMath.Dot(floats.AsSpan(r * features, features), _floatCoefficients.AsSpan(c * features, features));
        }

        return Dot(row, c);
    }

    private double Dot(double[] row, int c)
    {
        double sum = 0;
        int offset = c * row.Length;
        for (int j = 0; j < row.Length; j++)
        {
            sum += row[j] * _coefficients[offset + j];
        }

        return sum;
    }
}

/// <summary>ai.onnx.ml LinearRegressor: Y = X·coefficientsᵀ + intercepts, for <c>targets</c> outputs, then the post transform.</summary>
internal sealed class LinearRegressorKernel(double[] coefficients, double[] intercepts, int targets, string post) : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset)
    {
        double[] coefficients = a.GetFloats("coefficients").Select(f => (double)f).ToArray();
        int targets = checked((int)a.GetInt("targets", 1));
        double[] intercepts = a.GetFloats("intercepts").Select(f => (double)f).ToArray();
        if (targets < 1 || coefficients.Length == 0 || coefficients.Length % targets != 0 || (intercepts.Length != 0 && intercepts.Length != targets))
        {
            throw a.Invalid($"{coefficients.Length} coefficients and {intercepts.Length} intercepts do not fit {targets} targets.");
        }

        string post = a.GetString("post_transform", "NONE");
        PostTransform.Validate(a, post);
        return new LinearRegressorKernel(coefficients, intercepts.Length == 0 ? new double[targets] : intercepts, targets, post);
    }

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        int features = coefficients.Length / targets;
        (int n, int columns) = FeatureMatrix.Dimensions(x, features - 1);
        if (columns != features)
        {
            throw new ModelInputException($"LinearRegressor expects {features} features, not {columns}.");
        }

        // Sums in double, rounded to float once; the row and its sums in the step's scratch, the result in its buffer.
        Span<long> shape = [n, targets];
        (Tensor result, float[] output) = context.OutputBuffer<float>(0, TensorElementType.Float, shape);
        double[] row = context.Scratch<double>(0, columns);
        Span<double> y = context.Scratch<double>(1, targets);
        for (int r = 0; r < n; r++)
        {
            FeatureMatrix.ReadRow(x, r, row);
            for (int t = 0; t < targets; t++)
            {
                double sum = intercepts[t];
                for (int j = 0; j < columns; j++)
                {
                    sum += row[j] * coefficients[(t * columns) + j];
                }

                y[t] = sum;
            }

            PostTransform.Apply(post, y);
            for (int t = 0; t < targets; t++) output[(r * targets) + t] = (float)y[t];
        }

        context.SetOutput(0, result);
    }
}
