using System.Text.Json;
using ModelOps.Learning.Pipelines;
using ModelOps.Onnx;
using ModelOps.Scoring.Engines;

namespace ModelOps.Scoring.Validation;

/// <summary>How a model takes its rows.</summary>
public enum InputLayout
{
    /// <summary>One <c>[N, 1]</c> tensor per feature (our exported pipelines, ML.NET exports).</summary>
    ColumnPerFeature,

    /// <summary>One <c>[N, k]</c> numeric tensor (most converters and PyTorch exports).</summary>
    Vector,
}

/// <summary>
/// One feature a row gives: its name, whether it is a number or a category, the allowed range or levels, and the
/// model's policy for a missing value and for a level it never saw (reject, or impute: the encoder's all-zero row).
/// </summary>
public sealed record FeatureSpec(
    string Name,
    string Type,
    double? Min = null,
    double? Max = null,
    IReadOnlyList<string>? Categories = null,
    bool MissingAllowed = false,
    bool RejectUnknownCategory = false,
    bool WholeNumber = false)
{
    /// <summary><see cref="Type"/> of a numeric feature.</summary>
    public const string Numeric = "numeric";

    /// <summary><see cref="Type"/> of a categorical feature.</summary>
    public const string Categorical = "categorical";
}

/// <summary>
/// What a model takes, as scoring reads it from the model itself (the answer of the schema endpoint). For a
/// <see cref="InputLayout.Vector"/> model a row is <c>{"<see cref="VectorInput"/>": [k numbers]}</c>, or the k
/// named <see cref="Features"/> when the model's metadata names its columns (<see cref="FeatureNamesKey"/>).
/// <see cref="BatchSize"/> is set when the graph fixes its batch dimension; rows are then scored in padded chunks.
/// </summary>
public sealed record FeatureSchema(
    InputLayout Layout,
    IReadOnlyList<FeatureSpec> Features,
    string? VectorInput,
    int VectorWidth,
    int? BatchSize,
    IReadOnlyList<string> Outputs)
{
    /// <summary>A vector model's element type (e.g. <c>Float</c>).</summary>
    public string? VectorElementType { get; init; }

    /// <summary>The largest magnitude a vector model's element type holds; larger numbers are refused.</summary>
    public double VectorLimit { get; init; } = double.MaxValue;

    /// <summary>Metadata key naming the k columns of a vector model, as a JSON array of strings.</summary>
    public const string FeatureNamesKey = "modelops.feature_names";

    /// <summary>Reads the schema of a compiled model; <see cref="ModelLoadException"/> when its inputs fit neither layout.</summary>
    public static FeatureSchema Of(ScoringSession session, FittedPipeline? pipeline)
    {
        ArgumentNullException.ThrowIfNull(session);
        IReadOnlyList<ModelValueInfo> inputs = session.Inputs;
        string[] outputs = session.Outputs.Select(o => o.Name).ToArray();
        if (inputs.Count > 0 && inputs.All(IsColumn))
        {
            var features = inputs.Select(i => Column(i, pipeline)).ToArray();
            return new FeatureSchema(InputLayout.ColumnPerFeature, features, null, 0, FixedBatch(inputs), outputs);
        }

        if (inputs.Count == 1 && inputs[0] is { Kind: "tensor", Shape: [_, > 0 and <= int.MaxValue] } vector && IsNumber(vector.ElementType))
        {
            int width = (int)vector.Shape![1];
            string[]? names = Names(session.Metadata, width);
            (double? min, double? max) = Bounds(vector.ElementType);
            var features = (names ?? []).Select(n => new FeatureSpec(n, FeatureSpec.Numeric, min, max, WholeNumber: IsWhole(vector.ElementType))).ToArray();
            return new FeatureSchema(InputLayout.Vector, features, vector.Name, width, FixedBatch(inputs), outputs)
            {
                VectorElementType = vector.ElementType.ToString(),
                VectorLimit = max ?? double.MaxValue,
            };
        }

        throw new ModelLoadException(
            $"The model takes {string.Join(", ", inputs)}; scoring takes one [N,1] tensor per feature or one [N,k] numeric tensor.");
    }

    private static bool IsColumn(ModelValueInfo input) =>
        input.Kind == "tensor" && input.Shape is [_] or [_, 1] && (IsNumber(input.ElementType) || input.ElementType == TensorElementType.String);

    private static bool IsNumber(TensorElementType type) =>
        type is TensorElementType.Float or TensorElementType.Double or TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.Bool;

    private static bool IsWhole(TensorElementType type) => type is TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.Bool;

    /// <summary>What the input's element type can hold: a number beyond it would reach the model as ±∞ or wrap.</summary>
    public static (double? Min, double? Max) Bounds(TensorElementType type) => type switch
    {
        TensorElementType.Float => (-float.MaxValue, float.MaxValue),
        TensorElementType.Int32 => (int.MinValue, int.MaxValue),
        TensorElementType.Int64 => (-9e15, 9e15),
        TensorElementType.Bool => (0, 1),
        _ => (null, null),
    };

    private static int? FixedBatch(IReadOnlyList<ModelValueInfo> inputs) =>
        inputs[0].Shape is [> 0 and <= 1_000_000 and var b, ..] ? (int)b : null;

    private static FeatureSpec Column(ModelValueInfo input, FittedPipeline? pipeline)
    {
        string type = input.ElementType == TensorElementType.String ? FeatureSpec.Categorical : FeatureSpec.Numeric;
        InputSpec? spec = pipeline?.Inputs.FirstOrDefault(i => i.Name == input.Name);
        ColumnEncoding? encoding = pipeline?.Columns.FirstOrDefault(c => c.Column == input.Name);
        if (spec is null)
        {
            // A model from elsewhere: the graph is all we know; a missing value is NaN or "" as the export convention has it.
            (double? min, double? max) = Bounds(input.ElementType);
            return new FeatureSpec(input.Name, type, min, max, MissingAllowed: input.ElementType is TensorElementType.Float or TensorElementType.Double or TensorElementType.String,
                WholeNumber: IsWhole(input.ElementType));
        }

        return new FeatureSpec(
            input.Name,
            type,
            spec.Min,
            spec.Max,
            spec.Values ?? encoding?.Categories,
            spec.Missing == MissingPolicy.Allow,
            encoding?.Unknown == UnknownCategoryPolicy.Error,
            IsWhole(input.ElementType));
    }

    private static string[]? Names(IReadOnlyDictionary<string, string> metadata, int width)
    {
        if (!metadata.TryGetValue(FeatureNamesKey, out string? json))
        {
            return null;
        }

        try
        {
            string[]? names = JsonSerializer.Deserialize(json, ScoringJsonContext.Default.StringArray);
            return names is { } n && n.Length == width && n.Distinct(StringComparer.Ordinal).Count() == width ? n : null;
        }
        catch (JsonException)
        {
            // Metadata we cannot read names nothing: the array form still works.
            return null;
        }
    }
}
