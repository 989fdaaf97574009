namespace ModelOps.Onnx.Operators.Ml;

/// <summary>
/// ai.onnx.ml LabelEncoder opset 1 (Operators-ml.md, "LabelEncoder-1"): a string input maps to its index in
/// <c>classes_strings</c> (<c>default_int64</c>, −1, when absent); an int64 input maps to the string at that
/// index (<c>default_string</c>, "_Unused", when out of range). The direction follows the input's type.
/// </summary>
internal sealed class LabelEncoderV1Kernel : OperatorKernel
{
    private readonly string[] _classes;
    private readonly Dictionary<string, long> _index;
    private readonly long _defaultInt;
    private readonly string _defaultString;

    private LabelEncoderV1Kernel(string[] classes, long defaultInt, string defaultString)
    {
        _classes = classes;
        _defaultInt = defaultInt;
        _defaultString = defaultString;
        _index = new Dictionary<string, long>(classes.Length, StringComparer.Ordinal);
        for (int i = 0; i < classes.Length; i++)
        {
            _index.TryAdd(classes[i], i); // the first occurrence wins, as a lookup by position would
        }
    }

    public static OperatorKernel Create(NodeAttributes a, int opset) =>
        new LabelEncoderV1Kernel(a.GetStrings("classes_strings"), a.GetInt("default_int64", -1), a.GetString("default_string", "_Unused"));

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        switch (x.ElementType)
        {
            case TensorElementType.String:
                string[] keys = x.As<string>();
                var codes = new long[keys.Length];
                for (int i = 0; i < keys.Length; i++)
                {
                    codes[i] = _index.TryGetValue(keys[i], out long code) ? code : _defaultInt;
                }

                context.SetOutput(0, Tensor.FromInt64s(codes, x.Shape));
                break;
            case TensorElementType.Int64:
                long[] ids = x.As<long>();
                var names = new string[ids.Length];
                for (int i = 0; i < ids.Length; i++)
                {
                    names[i] = ids[i] >= 0 && ids[i] < _classes.Length ? _classes[ids[i]] : _defaultString;
                }

                context.SetOutput(0, Tensor.FromStrings(names, x.Shape));
                break;
            default:
                throw new ModelInputException($"LabelEncoder-1 takes string or int64 input, not {x.ElementType}.");
        }
    }
}
