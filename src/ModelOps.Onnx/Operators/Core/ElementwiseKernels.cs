namespace ModelOps.Onnx.Operators.Core;

/// <summary>
/// Binary operators with numpy broadcasting: arithmetic keeps the input type (integer division truncates,
/// as C does), comparisons and logic produce bool. Definitions from opset 7 on (when broadcasting
/// became multidirectional).
/// </summary>
internal sealed class BinaryKernel(string op) : OperatorKernel
{
    // The operator resolved once, so element loops call a delegate rather than compare operator names.
    private readonly Func<double, double, double> _arithmetic = op switch
    {
        "Add" => static (u, v) => u + v,
        "Sub" => static (u, v) => u - v,
        "Mul" => static (u, v) => u * v,
        "Div" => static (u, v) => u / v,
        _ => Math.Pow,
    };

    private readonly Func<int, bool> _holds = op switch
    {
        "Equal" => static c => c == 0,
        "Greater" => static c => c > 0,
        "GreaterOrEqual" => static c => c >= 0,
        "Less" => static c => c < 0,
        _ => static c => c <= 0,
    };

    private readonly Func<bool, bool, bool> _logic = op switch
    {
        "And" => static (p, q) => p && q,
        "Or" => static (p, q) => p || q,
        _ => static (p, q) => p ^ q,
    };

    public static KernelFactory For(string op) => (_, _) => new BinaryKernel(op);

    public override void Run(in KernelContext context)
    {
        Tensor a = context.Input(0), b = context.Input(1);
        if (a.ElementType == b.ElementType && TryFast(context, a, b))
        {
            return;
        }

        long[] shape = TensorMath.BroadcastShape(a.Shape, b.Shape);
        int[] ia = TensorMath.BroadcastIndex(a.Shape, shape), ib = TensorMath.BroadcastIndex(b.Shape, shape);
        int n = ia.Length;
        switch (op)
        {
            case "And" or "Or" or "Xor":
                bool[] ba = TensorMath.Bools(a), bb = TensorMath.Bools(b);
                var logic = new bool[n];
                for (int k = 0; k < n; k++)
                {
                    logic[k] = _logic(ba[ia[k]], bb[ib[k]]);
                }

                context.SetOutput(0, Tensor.FromBools(logic, shape));
                return;
            case "Equal" when a.Data is string[] sa && b.Data is string[] sb:
                var eq = new bool[n];
                for (int k = 0; k < n; k++)
                {
                    eq[k] = string.Equals(sa[ia[k]], sb[ib[k]], StringComparison.Ordinal);
                }

                context.SetOutput(0, Tensor.FromBools(eq, shape));
                return;
            case "Equal" or "Greater" or "GreaterOrEqual" or "Less" or "LessOrEqual":
                Compare(a, b, ia, ib, shape, context);
                return;
        }

        if (TensorMath.IsFloating(a.ElementType))
        {
            double[] x = TensorMath.Doubles(a), y = TensorMath.Doubles(b);
            var r = new double[n];
            for (int k = 0; k < n; k++)
            {
                r[k] = _arithmetic(x[ia[k]], y[ib[k]]);
            }

            context.SetOutput(0, TensorMath.FromDoubles(a.ElementType, r, shape));
        }
        else
        {
            long[] x = TensorMath.Longs(a);
            bool floatExponent = op == "Pow" && TensorMath.IsFloating(b.ElementType);
            double[]? yd = floatExponent ? TensorMath.Doubles(b) : null;
            long[]? y = floatExponent ? null : TensorMath.Longs(b);
            var r = new long[n];
            for (int k = 0; k < n; k++)
            {
                long u = x[ia[k]];
                r[k] = op switch
                {
                    "Add" => u + y![ib[k]],
                    "Sub" => u - y![ib[k]],
                    "Mul" => u * y![ib[k]],
                    "Div" => y![ib[k]] == 0 ? throw new ModelInputException("Integer division by zero.") : u / y[ib[k]],
                    _ => (long)Math.Pow(u, floatExponent ? yd![ib[k]] : y![ib[k]]),
                };
            }

            context.SetOutput(0, TensorMath.FromLongs(a.ElementType, r, shape));
        }
    }

    // Same element type and a block broadcast (same shape, scalar, [N,k] op [k], [N,k] op [N,1]): float and double
    // arithmetic vectorized, comparisons, bool logic and int64 arithmetic element by element without index tables.
    private bool TryFast(in KernelContext context, Tensor a, Tensor b)
    {
        if (!BroadcastLayout.TryCreate(a, b, out BroadcastLayout layout)) return false;
        switch (op)
        {
            case "And" or "Or" or "Xor":
                if (a.ElementType != TensorElementType.Bool) return false;
                (Tensor lt, bool[] lr) = context.OutputBuffer<bool>(0, TensorElementType.Bool, layout.Shape);
                if (op == "And") BlockKernels.Each(a.As<bool>(), b.As<bool>(), lr, layout, default(ElementFunctions.And));
                else if (op == "Or") BlockKernels.Each(a.As<bool>(), b.As<bool>(), lr, layout, default(ElementFunctions.Or));
                else BlockKernels.Each(a.As<bool>(), b.As<bool>(), lr, layout, default(ElementFunctions.Xor));
                context.SetOutput(0, lt);
                return true;
            case "Equal" or "Greater" or "GreaterOrEqual" or "Less" or "LessOrEqual":
                return a.ElementType switch
                {
                    TensorElementType.Double => Compare(context, a.As<double>(), b.As<double>(), layout),
                    TensorElementType.Float => Compare(context, a.As<float>(), b.As<float>(), layout),
                    TensorElementType.Int64 => Compare(context, a.As<long>(), b.As<long>(), layout),
                    _ => false,
                };
        }

        switch (a.ElementType)
        {
            case TensorElementType.Double:
                context.SetOutput(0, Arithmetic(context, a.As<double>(), b.As<double>(), TensorElementType.Double, layout));
                return true;
            case TensorElementType.Float:
                context.SetOutput(0, Arithmetic(context, a.As<float>(), b.As<float>(), TensorElementType.Float, layout));
                return true;
            case TensorElementType.Int64 when op is "Add" or "Sub" or "Mul":
                (Tensor it, long[] ir) = context.OutputBuffer<long>(0, TensorElementType.Int64, layout.Shape);
                if (op == "Add") BlockKernels.Each(a.As<long>(), b.As<long>(), ir, layout, default(ElementFunctions.AddInt64));
                else if (op == "Sub") BlockKernels.Each(a.As<long>(), b.As<long>(), ir, layout, default(ElementFunctions.SubInt64));
                else BlockKernels.Each(a.As<long>(), b.As<long>(), ir, layout, default(ElementFunctions.MulInt64));
                context.SetOutput(0, it);
                return true;
            default:
                return false;
        }
    }

    private Tensor Arithmetic<T>(in KernelContext context, T[] x, T[] y, TensorElementType type, in BroadcastLayout layout)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        // Write over a full-size operand the plan no longer needs (large batches), else into the step's buffer.
        (Tensor t, T[] r) = context.OutputBufferOver<T>(0, layout.A == OperandLayout.Full ? 0 : 1, type, layout.Shape);
        switch (op)
        {
            case "Add": BlockKernels.Arithmetic(Core.Arithmetic.Add, x, y, r, layout); break;
            case "Sub": BlockKernels.Arithmetic(Core.Arithmetic.Sub, x, y, r, layout); break;
            case "Mul": BlockKernels.Arithmetic(Core.Arithmetic.Mul, x, y, r, layout); break;
            case "Div": BlockKernels.Arithmetic(Core.Arithmetic.Div, x, y, r, layout); break;
            default: BlockKernels.Each(x, y, r, layout, default(ElementFunctions.Pow<T>)); break;
        }

        return t;
    }

    private bool Compare<T>(in KernelContext context, T[] x, T[] y, in BroadcastLayout layout)
        where T : System.Numerics.INumber<T>
    {
        (Tensor t, bool[] r) = context.OutputBuffer<bool>(0, TensorElementType.Bool, layout.Shape);
        switch (op)
        {
            case "Equal": BlockKernels.Each(x, y, r, layout, default(ElementFunctions.Equal<T>)); break;
            case "Greater": BlockKernels.Each(x, y, r, layout, default(ElementFunctions.Greater<T>)); break;
            case "GreaterOrEqual": BlockKernels.Each(x, y, r, layout, default(ElementFunctions.GreaterOrEqual<T>)); break;
            case "Less": BlockKernels.Each(x, y, r, layout, default(ElementFunctions.Less<T>)); break;
            default: BlockKernels.Each(x, y, r, layout, default(ElementFunctions.LessOrEqual<T>)); break;
        }

        context.SetOutput(0, t);
        return true;
    }

    private void Compare(Tensor a, Tensor b, int[] ia, int[] ib, long[] shape, in KernelContext context)
    {
        int n = ia.Length;
        var r = new bool[n];
        if (TensorMath.IsFloating(a.ElementType) || TensorMath.IsFloating(b.ElementType))
        {
            double[] x = TensorMath.Doubles(a), y = TensorMath.Doubles(b);
            for (int k = 0; k < n; k++)
            {
                r[k] = Test(x[ia[k]].CompareTo(y[ib[k]]), double.IsNaN(x[ia[k]]) || double.IsNaN(y[ib[k]]));
            }
        }
        else
        {
            long[] x = TensorMath.Longs(a), y = TensorMath.Longs(b);
            for (int k = 0; k < n; k++)
            {
                r[k] = Test(x[ia[k]].CompareTo(y[ib[k]]), false);
            }
        }

        context.SetOutput(0, Tensor.FromBools(r, shape));
    }

    private bool Test(int c, bool nan) => !nan && _holds(c);
}

/// <summary>Unary operators on floating-point (and, for Abs/Neg/Not, integer and bool) tensors.</summary>
internal sealed class UnaryKernel(string op, double alpha) : OperatorKernel
{
    private readonly Func<double, double> _apply = op switch
    {
        "Sqrt" => Math.Sqrt,
        "Exp" => Math.Exp,
        "Log" => Math.Log,
        "Abs" => Math.Abs,
        "Neg" => static v => -v,
        "Reciprocal" => static v => 1 / v,
        "Sigmoid" => Ml.PostTransform.Logistic,
        "Relu" => static v => Math.Max(v, 0),
        "Tanh" => Math.Tanh,
        "Erf" => Ml.PostTransform.Erf,
        "LeakyRelu" => v => v >= 0 ? v : alpha * v,
        "Not" => static v => v == 0 ? 1 : 0, // bools take their own path in Run
        _ => throw new InvalidOperationException($"{op} is not a unary operator."),
    };

    public static KernelFactory For(string op) => (a, _) => new UnaryKernel(op, a.GetFloat("alpha", 0.01f));

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        if (op == "Not")
        {
            context.SetOutput(0, Tensor.FromBools(Array.ConvertAll(TensorMath.Bools(x), v => !v), x.Shape));
            return;
        }

        if (!TensorMath.IsFloating(x.ElementType))
        {
            long[] l = TensorMath.Longs(x);
            long[] r = op switch
            {
                "Abs" => Array.ConvertAll(l, Math.Abs),
                "Neg" => Array.ConvertAll(l, v => -v),
                "Relu" => Array.ConvertAll(l, v => Math.Max(v, 0)),
                _ => throw new ModelInputException($"{op} needs a floating-point input, not {x.ElementType}."),
            };
            context.SetOutput(0, TensorMath.FromLongs(x.ElementType, r, x.Shape));
            return;
        }

        if (x.ElementType is TensorElementType.Double)
        {
            double[] source = (double[])x.Data;
            (Tensor t, double[] r) = context.OutputBufferOver<double>(0, 0, TensorElementType.Double, x.Shape);
            if (op == "Sigmoid")
            {
                // The commonest unary operator of exported classifiers, called directly rather than through the delegate.
                for (int i = 0; i < r.Length; i++) r[i] = Ml.PostTransform.Logistic(source[i]);
            }
            else
            {
                for (int i = 0; i < r.Length; i++) r[i] = Apply(source[i]);
            }

            context.SetOutput(0, t);
            return;
        }

        if (x.ElementType is TensorElementType.Float)
        {
            float[] source = (float[])x.Data;
            (Tensor t, float[] r) = context.OutputBufferOver<float>(0, 0, TensorElementType.Float, x.Shape);
            if (op == "Sigmoid")
            {
                for (int i = 0; i < r.Length; i++) r[i] = (float)Ml.PostTransform.Logistic(source[i]);
            }
            else
            {
                for (int i = 0; i < r.Length; i++) r[i] = (float)Apply(source[i]);
            }

            context.SetOutput(0, t);
            return;
        }

        double[] d = TensorMath.Doubles(x);
        var y = new double[d.Length];
        for (int i = 0; i < d.Length; i++)
        {
            y[i] = Apply(d[i]);
        }

        context.SetOutput(0, TensorMath.FromDoubles(x.ElementType, y, x.Shape));
    }

    private double Apply(double v) => _apply(v);
}

/// <summary>Clip: attributes min/max (opsets 6–10) or optional inputs 1 and 2 (opset 11 on).</summary>
internal sealed class ClipKernel(bool fromInputs, double min, double max) : OperatorKernel
{
    public static OperatorKernel CreateFromAttributes(NodeAttributes a, int opset) =>
        new ClipKernel(false, a.GetFloat("min", float.MinValue), a.GetFloat("max", float.MaxValue));

    public static OperatorKernel CreateFromInputs(NodeAttributes a, int opset) => new ClipKernel(true, double.NegativeInfinity, double.PositiveInfinity);

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        double lo = fromInputs && context.Optional(1) is { Length: > 0 } l ? l.GetDouble(0) : min;
        double hi = fromInputs && context.Optional(2) is { Length: > 0 } h ? h.GetDouble(0) : max;
        if (TensorMath.IsFloating(x.ElementType))
        {
            double[] d = TensorMath.Doubles(x);
            context.SetOutput(0, TensorMath.FromDoubles(x.ElementType, Array.ConvertAll(d, v => double.IsNaN(v) ? v : Math.Min(Math.Max(v, lo), hi)), x.Shape));
        }
        else
        {
            long[] d = TensorMath.Longs(x);
            long loL = double.IsNegativeInfinity(lo) ? long.MinValue : (long)lo, hiL = double.IsPositiveInfinity(hi) ? long.MaxValue : (long)hi;
            context.SetOutput(0, TensorMath.FromLongs(x.ElementType, Array.ConvertAll(d, v => Math.Min(Math.Max(v, loL), hiL)), x.Shape));
        }
    }
}

/// <summary>Where(condition, X, Y) with broadcasting.</summary>
internal sealed class WhereKernel : OperatorKernel
{
    public static OperatorKernel Create(NodeAttributes a, int opset) => new WhereKernel();

    public override void Run(in KernelContext context)
    {
        Tensor c = context.Input(0), x = context.Input(1), y = context.Input(2);
        if (c.ElementType == TensorElementType.Bool && x.ElementType == y.ElementType && FastPaths.TrySimpleShape(x, y, c, out long[] simple))
        {
            int n = (int)Tensor.ElementCount(simple);
            (int sc, int sx, int sy) = (FastPaths.Step(c, n), FastPaths.Step(x, n), FastPaths.Step(y, n));
            bool[] condition = (bool[])c.Data;
            Tensor? fast = x.ElementType switch
            {
                TensorElementType.Double => FastPaths.Where(context, condition, (double[])x.Data, (double[])y.Data, x.ElementType, simple, n, sc, sx, sy),
                TensorElementType.Float => FastPaths.Where(context, condition, (float[])x.Data, (float[])y.Data, x.ElementType, simple, n, sc, sx, sy),
                TensorElementType.Int64 => FastPaths.Where(context, condition, (long[])x.Data, (long[])y.Data, x.ElementType, simple, n, sc, sx, sy),
                TensorElementType.String => FastPaths.Where(context, condition, (string[])x.Data, (string[])y.Data, x.ElementType, simple, n, sc, sx, sy),
                TensorElementType.Bool => FastPaths.Where(context, condition, (bool[])x.Data, (bool[])y.Data, x.ElementType, simple, n, sc, sx, sy),
                _ => null,
            };
            if (fast is not null)
            {
                context.SetOutput(0, fast);
                return;
            }
        }

        long[] shape = TensorMath.BroadcastShape(c.Shape, x.Shape, y.Shape);
        int[] ic = TensorMath.BroadcastIndex(c.Shape, shape), ix = TensorMath.BroadcastIndex(x.Shape, shape), iy = TensorMath.BroadcastIndex(y.Shape, shape);
        bool[] cond = TensorMath.Bools(c);
        var result = Array.CreateInstance(x.Data.GetType().GetElementType()!, ic.Length);
        for (int k = 0; k < ic.Length; k++)
        {
            result.SetValue(cond[ic[k]] ? x.Data.GetValue(ix[k]) : y.Data.GetValue(iy[k]), k);
        }

        context.SetOutput(0, Tensor.Create(x.ElementType, result, shape));
    }
}

/// <summary>Sum, Max and Min over any number of inputs, with broadcasting (opset 8 on).</summary>
internal sealed class VariadicKernel(string op) : OperatorKernel
{
    public static KernelFactory For(string op) => (_, _) => new VariadicKernel(op);

    public override void Run(in KernelContext context)
    {
        var inputs = new List<Tensor>();
        for (int i = 0; i < context.InputCount; i++)
        {
            inputs.Add(context.Input(i));
        }

        long[] shape = TensorMath.BroadcastShape(inputs.Select(t => t.Shape).ToArray());
        int n = (int)Tensor.ElementCount(shape);
        var acc = new double[n];
        for (int i = 0; i < inputs.Count; i++)
        {
            int[] index = TensorMath.BroadcastIndex(inputs[i].Shape, shape);
            double[] values = TensorMath.Doubles(inputs[i]);
            for (int k = 0; k < n; k++)
            {
                double v = values[index[k]];
                acc[k] = i == 0 ? v : op switch
                {
                    "Sum" => acc[k] + v,
                    "Max" => double.IsNaN(v) || double.IsNaN(acc[k]) ? double.NaN : Math.Max(acc[k], v),
                    _ => double.IsNaN(v) || double.IsNaN(acc[k]) ? double.NaN : Math.Min(acc[k], v),
                };
            }
        }

        context.SetOutput(0, TensorMath.FromDoubles(inputs[0].ElementType, acc, shape));
    }
}
