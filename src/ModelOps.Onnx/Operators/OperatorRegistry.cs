using ModelOps.Onnx.Operators.Ml;
using ModelOps.Onnx.Protobuf;

namespace ModelOps.Onnx.Operators;

/// <summary>
/// Every operator this engine claims, in one place, with the operator-set versions whose definition
/// each kernel follows (the ONNX operator changelogs, docs/Operators.md and docs/Operators-ml.md).
/// A node binds to the definition for its domain's imported opset version; anything else is refused
/// at load as unsupported.
/// </summary>
public static class OperatorRegistry
{
    /// <summary>The highest operator-set versions accepted per domain.</summary>
    public static IReadOnlyDictionary<string, int> MaxOpsets { get; } = new Dictionary<string, int>
    {
        ["ai.onnx"] = 21,
        ["ai.onnx.ml"] = 5,
    };

    internal const string Ml = "ai.onnx.ml";

    private static readonly OperatorDefinition[] Definitions =
    [
        new(Ml, "ArrayFeatureExtractor", 1, int.MaxValue, ArrayFeatureExtractorKernel.Create),
        new(Ml, "Binarizer", 1, int.MaxValue, BinarizerKernel.Create),
        new(Ml, "CategoryMapper", 1, int.MaxValue, CategoryMapperKernel.Create),
        new(Ml, "FeatureVectorizer", 1, int.MaxValue, FeatureVectorizerKernel.Create),
        new(Ml, "Imputer", 1, int.MaxValue, ImputerKernel.Create),
        new(Ml, "LabelEncoder", 2, int.MaxValue, LabelEncoderKernel.Create),
        new(Ml, "LinearClassifier", 1, int.MaxValue, LinearClassifierKernel.Create),
        new(Ml, "LinearRegressor", 1, int.MaxValue, LinearRegressorKernel.Create),
        new(Ml, "Normalizer", 1, int.MaxValue, NormalizerKernel.Create),
        new(Ml, "OneHotEncoder", 1, int.MaxValue, OneHotEncoderKernel.Create),
        new(Ml, "Scaler", 1, int.MaxValue, ScalerKernel.Create),
        new(Ml, "TreeEnsemble", 5, int.MaxValue, TreeEnsembleKernel.Create),
        new(Ml, "TreeEnsembleClassifier", 1, 5, TreeEnsembleClassicKernel.CreateClassifier),
        new(Ml, "TreeEnsembleRegressor", 1, 5, TreeEnsembleClassicKernel.CreateRegressor),
    ];

    /// <summary>The claimed operators as (domain, operator, first opset, last opset or null when current).</summary>
    public static IEnumerable<(string Domain, string Operator, int SinceVersion, int? LastVersion)> Claimed =>
        Definitions.OrderBy(d => d.DomainLabel, StringComparer.Ordinal).ThenBy(d => d.OpType, StringComparer.Ordinal).ThenBy(d => d.SinceVersion)
            .Select(d => (d.DomainLabel, d.OpType, d.SinceVersion, d.UntilVersion == int.MaxValue ? (int?)null : d.UntilVersion - 1));

    internal static OperatorKernel CreateKernel(NodeProto node, IReadOnlyDictionary<string, long> opsets)
    {
        string domain = node.Domain is "ai.onnx" ? string.Empty : node.Domain;
        string label = domain.Length == 0 ? "ai.onnx" : domain;
        if (!opsets.TryGetValue(domain, out long version))
        {
            throw InvalidModelException.ForNode(node, $"the model imports no opset for domain '{label}'.");
        }

        if (!MaxOpsets.TryGetValue(label, out int max) || version > max || version < 1)
        {
            throw new InvalidModelException(InvalidModelException.ForNode(node, $"opset {version} of domain '{label}' is not supported.").Message) { IsUnsupported = true };
        }

        OperatorDefinition? definition = Definitions.FirstOrDefault(d =>
            (d.Domain.Length == 0 ? string.Empty : d.Domain) == (domain == Ml ? Ml : domain)
            && d.OpType == node.OpType && d.SinceVersion <= version && version < d.UntilVersion);
        if (definition is null)
        {
            throw new InvalidModelException(InvalidModelException.ForNode(node, $"operator {label}.{node.OpType} (opset {version}) is not supported by this engine.").Message) { IsUnsupported = true };
        }

        try
        {
            return definition.Factory(new NodeAttributes(node), (int)version);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException or InvalidCastException or IndexOutOfRangeException or FormatException)
        {
            throw InvalidModelException.ForNode(node, "invalid attributes: " + e.Message);
        }
    }
}
