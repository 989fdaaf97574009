using System.Globalization;

namespace ModelOps.Onnx.Operators.Ml;

/// <summary>
/// ai.onnx.ml LabelEncoder (opsets 2 and 4): maps each input element through keys → values, or to the
/// default when absent. Opset 2 takes <c>keys_*</c>/<c>values_*</c> lists (strings, int64s, floats) and
/// typed <c>default_*</c>; opset 4 also accepts <c>keys_tensor</c>/<c>values_tensor</c>/<c>default_tensor</c>.
/// Floats match by value (−0 equals 0); NaN matches NaN from opset 4 on, as that version specifies.
/// </summary>
internal sealed class LabelEncoderKernel : OperatorKernel
{
    private readonly Dictionary<object, object> _map;
    private readonly object _default;
    private readonly TensorElementType _outputType;

    // String keys (the usual case: a categorical column to indices or to cleaned levels) looked up without boxing:
    // each key's position in _stringValues, which holds the values in the output's element type.
    private readonly StringLookup? _stringKeys;
    private readonly Array? _stringValues;

    private LabelEncoderKernel(Dictionary<object, object> map, object fallback, TensorElementType outputType)
    {
        _map = map;
        _default = fallback;
        _outputType = outputType;
        Type valueType = Tensor.ClrType(outputType);
        if (outputType is TensorElementType.Int64 or TensorElementType.Float or TensorElementType.Double or TensorElementType.String
            && map.Count > 0 && map.Keys.All(k => k is string) && map.Values.All(v => v.GetType() == valueType) && fallback.GetType() == valueType)
        {
            var positions = new Dictionary<string, int>(map.Count, StringComparer.Ordinal);
            _stringValues = Array.CreateInstance(valueType, map.Count);
            foreach ((object key, object value) in map)
            {
                _stringValues.SetValue(value, positions.Count);
                positions[(string)key] = positions.Count;
            }

            _stringKeys = new StringLookup(positions);
        }
    }

    public static OperatorKernel Create(NodeAttributes a, int opset)
    {
        (Array keys, TensorElementType keyType) = Read(a, "keys", opset);
        (Array values, TensorElementType valueType) = Read(a, "values", opset);
        if (keys.Length != values.Length)
        {
            throw a.Invalid($"{keys.Length} keys but {values.Length} values.");
        }

        var map = new Dictionary<object, object>(keys.Length, KeyComparer.Instance);
        for (int i = 0; i < keys.Length; i++)
        {
            object key = Normalize(keys.GetValue(i)!);
            // Only opset 4 says keys compare bit-wise so that NaN can be mapped; before it NaN equals nothing.
            if (opset < 4 && key is double keyValue && double.IsNaN(keyValue))
            {
                continue;
            }

            map[key] = values.GetValue(i)!;
        }

        object fallback = a.GetTensor("default_tensor") is { Length: > 0 } d ? d.Data.GetValue(0)! : valueType switch
        {
            TensorElementType.String => a.GetString("default_string", "_Unused"),
            TensorElementType.Int64 => a.GetInt("default_int64", -1),
            TensorElementType.Float => a.GetFloat("default_float", -0f),
            TensorElementType.Double => (double)a.GetFloat("default_float", -0f),
            _ => throw a.Invalid($"values of type {valueType} are not supported."),
        };
        _ = keyType;
        return new LabelEncoderKernel(map, fallback, valueType);
    }

    private static (Array Values, TensorElementType Type) Read(NodeAttributes a, string prefix, int opset)
    {
        if (opset >= 4 && a.GetTensor(prefix + "_tensor") is { } tensor)
        {
            return (tensor.Data, tensor.ElementType);
        }

        if (a.Has(prefix + "_strings"))
        {
            return (a.GetStrings(prefix + "_strings"), TensorElementType.String);
        }

        if (a.Has(prefix + "_int64s"))
        {
            return (a.GetInts(prefix + "_int64s"), TensorElementType.Int64);
        }

        if (a.Has(prefix + "_floats"))
        {
            return (a.GetFloats(prefix + "_floats"), TensorElementType.Float);
        }

        throw a.Invalid($"no {prefix}_strings, {prefix}_int64s, {prefix}_floats{(opset >= 4 ? $" or {prefix}_tensor" : string.Empty)} attribute.");
    }

    private static object Normalize(object key) => key switch
    {
        float f => (double)f,
        int i => (long)i,
        _ => key,
    };

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        if (_stringKeys is not null && x.Data is string[] texts)
        {
            Tensor? typed = _stringValues switch
            {
                long[] longs => Strings(context, texts, x.Shape, longs),
                float[] floats => Strings(context, texts, x.Shape, floats),
                double[] doubles => Strings(context, texts, x.Shape, doubles),
                string[] strings => Strings(context, texts, x.Shape, strings),
                _ => null,
            };
            if (typed is not null)
            {
                context.SetOutput(0, typed);
                return;
            }
        }

        var result = Array.CreateInstance(Tensor.ClrType(_outputType), x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            object key = Normalize(x.Data.GetValue(i)!);
            result.SetValue(_map.TryGetValue(key, out object? value) ? value : _default, i);
        }

        context.SetOutput(0, Tensor.Create(_outputType, result, x.Shape));
    }

    private Tensor Strings<T>(in KernelContext context, string[] texts, long[] shape, T[] values)
    {
        (Tensor tensor, T[] r) = context.OutputBuffer<T>(0, _outputType, shape);
        var fallback = (T)_default;
        Span<int> found = stackalloc int[256];
        for (int start = 0; start < r.Length; start += found.Length)
        {
            Span<int> block = found[..Math.Min(found.Length, r.Length - start)];
            _stringKeys!.FindAll(texts, start, block);
            for (int i = 0; i < block.Length; i++)
            {
                int k = block[i];
                r[start + i] = k >= 0 ? values[k] : fallback;
            }
        }

        return tensor;
    }

    private sealed class KeyComparer : IEqualityComparer<object>
    {
        public static readonly KeyComparer Instance = new();

        public new bool Equals(object? x, object? y) => (x, y) switch
        {
            (double a, double b) => a.Equals(b),
            _ => object.Equals(x, y),
        };

        public int GetHashCode(object obj) => obj switch
        {
            double d when double.IsNaN(d) => 0x7FF8,
            // 0.0 and -0.0 are equal keys, so they must share a hash (their text forms differ).
            double d => d == 0 ? 0 : d.GetHashCode(),
            long l => l.GetHashCode(),
            string s => StringComparer.Ordinal.GetHashCode(s),
            _ => Convert.ToString(obj, CultureInfo.InvariantCulture)!.GetHashCode(StringComparison.Ordinal),
        };
    }
}
