using System.Text.Json.Nodes;

namespace ModelOps.Onnx.Tests;

/// <summary>
/// Models written with our builder for each ai.onnx.ml operator, run in our engine and in onnxruntime-node
/// on the same inputs: numbers agree to 1e-5, labels and strings exactly. (ONNX Runtime reports label 1 for
/// every row of a binary TreeEnsembleClassifier with weights for both classes; there only probabilities are compared.)
/// </summary>
public sealed class OracleAgreementTests
{
    private const TensorElementType F = TensorElementType.Float;

    private static readonly float[] Rows =
    [
        0.5f, -1.2f, 3.0f,
        1.5f, 0.0f, -0.7f,
        -2.0f, 2.2f, 0.1f,
        0.0f, float.NaN, 1.0f,
        4.0f, 0.3f, -3.3f,
    ];

    private static Tensor X() => Tensor.FromFloats(Rows, 5, 3);

    private static void AssertAgree(OnnxModelBuilder builder, IReadOnlyDictionary<string, Tensor> inputs, bool compareLabels = true)
    {
        byte[] bytes = builder.ToBytes();
        IReadOnlyDictionary<string, Tensor> ours = OnnxModel.Load(bytes).CreateSession().Run(inputs);
        Dictionary<string, (long[] Dims, JsonArray Data)> theirs = OnnxRuntimeOracle.Run(bytes, inputs);

        theirs.Keys.Should().BeEquivalentTo(ours.Keys);
        foreach ((string name, Tensor tensor) in ours)
        {
            (long[] dims, JsonArray data) = theirs[name];
            tensor.Shape.Should().Equal(dims, $"shape of {name}");
            for (int i = 0; i < tensor.Length; i++)
            {
                object? mine = tensor.Data.GetValue(i);
                JsonNode? other = data[i];
                if (mine is string s)
                {
                    if (compareLabels)
                    {
                        other!.GetValue<string>().Should().Be(s, $"{name}[{i}]");
                    }
                }
                else if (tensor.ElementType is TensorElementType.Int64 or TensorElementType.Int32)
                {
                    if (compareLabels)
                    {
                        other!.GetValue<double>().Should().Be(tensor.GetDouble(i), $"{name}[{i}]");
                    }
                }
                else
                {
                    double a = tensor.GetDouble(i);
                    if (other is null)
                    {
                        double.IsNaN(a).Should().BeTrue($"{name}[{i}] is NaN in onnxruntime");
                    }
                    else
                    {
                        a.Should().BeApproximately(other.GetValue<double>(), 1e-5, $"{name}[{i}]");
                    }
                }
            }
        }
    }

    private static OnnxModelBuilder Ml(int mlOpset = 3) => new OnnxModelBuilder().Opset("", 15).Opset("ai.onnx.ml", mlOpset);

    [Fact]
    public void Scaler_then_binary_LinearClassifier_with_logistic()
    {
        OnnxModelBuilder model = Ml()
            .Input("X", F, -1, 3).Output("label", TensorElementType.Int64, -1).Output("probabilities", F, -1, 2)
            .Node("Imputer", ["X"], ["imputed"], "ai.onnx.ml", null, ("imputed_value_floats", new[] { 0.1f, 0.2f, 0.3f }), ("replaced_value_float", float.NaN))
            .Node("Scaler", ["imputed"], ["scaled"], "ai.onnx.ml", null, ("offset", new[] { 0.5f, -0.1f, 0.2f }), ("scale", new[] { 2f, 0.5f, 1.5f }))
            .Node("LinearClassifier", ["scaled"], ["label", "probabilities"], "ai.onnx.ml", null,
                ("coefficients", new[] { 0.8f, -1.1f, 0.45f }), ("intercepts", new[] { -0.2f }), ("classlabels_ints", new long[] { 0, 1 }), ("post_transform", "LOGISTIC"));

        AssertAgree(model, new Dictionary<string, Tensor> { ["X"] = X() });
    }

    [Fact]
    public void Multiclass_LinearClassifier_with_softmax_and_string_labels()
    {
        OnnxModelBuilder model = Ml()
            .Input("X", F, -1, 3).Output("label", TensorElementType.String, -1).Output("scores", F, -1, 3)
            .Node("Imputer", ["X"], ["clean"], "ai.onnx.ml", null, ("imputed_value_floats", new[] { 0f }), ("replaced_value_float", float.NaN))
            .Node("LinearClassifier", ["clean"], ["label", "scores"], "ai.onnx.ml", null,
                ("coefficients", new[] { 0.3f, -0.2f, 0.1f, -0.5f, 0.4f, 0.9f, 0.2f, 0.2f, -0.6f }),
                ("intercepts", new[] { 0.1f, -0.3f, 0.05f }), ("classlabels_strings", new[] { "low", "mid", "high" }), ("post_transform", "SOFTMAX"));

        AssertAgree(model, new Dictionary<string, Tensor> { ["X"] = X() });
    }

    [Fact]
    public void LinearRegressor_with_two_targets_and_Normalizer()
    {
        OnnxModelBuilder model = Ml()
            .Input("X", F, -1, 3).Output("Y", F, -1, 2).Output("N", F, -1, 3)
            .Node("Imputer", ["X"], ["clean"], "ai.onnx.ml", null, ("imputed_value_floats", new[] { 1f }), ("replaced_value_float", float.NaN))
            .Node("LinearRegressor", ["clean"], ["Y"], "ai.onnx.ml", null, ("coefficients", new[] { 1f, 2f, 3f, -1f, 0.5f, 0.25f }), ("intercepts", new[] { 0.5f, -0.5f }), ("targets", 2L))
            .Node("Normalizer", ["clean"], ["N"], "ai.onnx.ml", null, ("norm", "L2"));

        AssertAgree(model, new Dictionary<string, Tensor> { ["X"] = X() });
    }

    private static (string, object)[] RegressorTrees(string prefix) =>
    [
        ("nodes_treeids", new long[] { 0, 0, 0, 0, 0, 1, 1, 1 }),
        ("nodes_nodeids", new long[] { 0, 1, 2, 3, 4, 0, 1, 2 }),
        ("nodes_featureids", new long[] { 0, 1, 0, 0, 0, 2, 0, 0 }),
        ("nodes_values", new[] { 0.4f, -0.5f, 0f, 0f, 0f, 0.05f, 0f, 0f }),
        ("nodes_modes", new[] { "BRANCH_LEQ", "BRANCH_LT", "LEAF", "LEAF", "LEAF", "BRANCH_GT", "LEAF", "LEAF" }),
        ("nodes_truenodeids", new long[] { 1, 3, 0, 0, 0, 1, 0, 0 }),
        ("nodes_falsenodeids", new long[] { 2, 4, 0, 0, 0, 2, 0, 0 }),
        ("nodes_missing_value_tracks_true", new long[] { 0, 1, 0, 0, 0, 0, 0, 0 }),
        (prefix + "_treeids", new long[] { 0, 0, 0, 1, 1 }),
        (prefix + "_nodeids", new long[] { 2, 3, 4, 1, 2 }),
        (prefix + "_ids", new long[] { 0, 0, 0, 0, 0 }),
        (prefix + "_weights", new[] { 1.5f, -0.75f, 0.25f, 0.6f, -0.4f }),
    ];

    [Theory]
    [InlineData("SUM")]
    [InlineData("AVERAGE")]
    [InlineData("MIN")]
    [InlineData("MAX")]
    public void TreeEnsembleRegressor_with_every_aggregate_and_missing_value_tracking(string aggregate)
    {
        OnnxModelBuilder model = Ml()
            .Input("X", F, -1, 3).Output("Y", F, -1, 1)
            .Node("TreeEnsembleRegressor", ["X"], ["Y"], "ai.onnx.ml", null,
                [.. RegressorTrees("target"), ("n_targets", 1L), ("aggregate_function", aggregate), ("base_values", new[] { 0.1f })]);

        AssertAgree(model, new Dictionary<string, Tensor> { ["X"] = X() });
    }

    [Theory]
    [InlineData("LOGISTIC")]
    [InlineData("NONE")]
    public void Binary_TreeEnsembleClassifier_probabilities(string post)
    {
        OnnxModelBuilder model = Ml()
            .Input("X", F, -1, 3).Output("label", TensorElementType.Int64, -1).Output("probabilities", F, -1, 2)
            .Node("TreeEnsembleClassifier", ["X"], ["label", "probabilities"], "ai.onnx.ml", null,
                [.. RegressorTrees("class"), ("classlabels_int64s", new long[] { 0, 1 }), ("post_transform", post), ("base_values", new[] { -0.2f })]);

        AssertAgree(model, new Dictionary<string, Tensor> { ["X"] = X() });
    }

    [Fact]
    public void Multiclass_TreeEnsembleClassifier_with_softmax()
    {
        (string, object)[] trees = RegressorTrees("class");
        trees[^2] = ("class_ids", new long[] { 0, 1, 2, 1, 2 });
        OnnxModelBuilder model = Ml()
            .Input("X", F, -1, 3).Output("label", TensorElementType.String, -1).Output("probabilities", F, -1, 3)
            .Node("TreeEnsembleClassifier", ["X"], ["label", "probabilities"], "ai.onnx.ml", null,
                [.. trees, ("classlabels_strings", new[] { "a", "b", "c" }), ("post_transform", "SOFTMAX")]);

        AssertAgree(model, new Dictionary<string, Tensor> { ["X"] = X() });
    }

    [Fact]
    public void TreeEnsemble_opset5_with_every_branch_mode()
    {
        OnnxModelBuilder model = Ml(5)
            .Input("X", F, -1, 3).Output("Y", F, -1, 2)
            .Node("TreeEnsemble", ["X"], ["Y"], "ai.onnx.ml", null,
                ("tree_roots", new long[] { 0, 3 }),
                ("nodes_featureids", new long[] { 0, 1, 2, 2, 0, 1, 0 }),
                ("nodes_splits", Tensor.FromFloats([0.5f, 0f, 0.1f, 1f, 1.5f, 0.3f, 4f], 7)),
                ("nodes_modes", Tensor.Create(TensorElementType.UInt8, new byte[] { 0, 1, 2, 3, 4, 5, 6 }, [7])),
                ("nodes_truenodeids", new long[] { 1, 0, 2, 4, 5, 3, 4 }),
                ("nodes_trueleafs", new long[] { 0, 1, 1, 0, 0, 1, 1 }),
                ("nodes_falsenodeids", new long[] { 2, 1, 3, 6, 6, 4, 5 }),
                ("nodes_falseleafs", new long[] { 0, 1, 1, 0, 1, 1, 1 }),
                ("nodes_missing_value_tracks_true", new long[] { 0, 1, 0, 0, 0, 0, 1 }),
                ("membership_values", Tensor.FromFloats([4f, -2f, float.NaN], 3)),
                ("leaf_targetids", new long[] { 0, 1, 0, 1, 0, 1, 0 }),
                ("leaf_weights", Tensor.FromFloats([1f, 2f, -1f, 0.5f, 3f, -2f, 0.25f], 7)),
                ("n_targets", 2L),
                ("aggregate_function", 1L),
                ("post_transform", 0L));

        AssertAgree(model, new Dictionary<string, Tensor> { ["X"] = X() });
    }

    [Fact]
    public void Categorical_operators_agree()
    {
        string[] colors = ["red", "green", "purple", "blue", "red"];
        OnnxModelBuilder model = Ml()
            .Input("C", TensorElementType.String, -1, 1).Input("X", F, -1, 3)
            .Output("onehot", F, -1, 1, 3).Output("mapped", TensorElementType.Int64, -1, 1).Output("encoded", TensorElementType.Int64, -1, 1)
            .Output("picked", F, -1, 2).Output("binary", F, -1, 3).Output("vector", F, -1, 5)
            .Node("OneHotEncoder", ["C"], ["onehot"], "ai.onnx.ml", null, ("cats_strings", new[] { "red", "green", "blue" }), ("zeros", 1L))
            .Node("CategoryMapper", ["C"], ["mapped"], "ai.onnx.ml", null, ("cats_strings", new[] { "red", "green" }), ("cats_int64s", new long[] { 7, 9 }), ("default_int64", -3L))
            .Node("LabelEncoder", ["C"], ["encoded"], "ai.onnx.ml", null, ("keys_strings", new[] { "blue", "red" }), ("values_int64s", new long[] { 1, 2 }), ("default_int64", -1L))
            .Initializer("columns", Tensor.FromInt64s([2, 0], 2))
            .Node("ArrayFeatureExtractor", ["X", "columns"], ["picked"], "ai.onnx.ml")
            .Node("Binarizer", ["X"], ["binary"], "ai.onnx.ml", null, ("threshold", 0.2f))
            .Node("FeatureVectorizer", ["X", "picked"], ["vector"], "ai.onnx.ml", null, ("inputdimensions", new long[] { 3, 2 }));

        // ONNX Runtime refuses NaN in Binarizer, so these rows have none.
        Tensor x = Tensor.FromFloats(Rows.Select(v => float.IsNaN(v) ? 0.2f : v).ToArray(), 5, 3);

        AssertAgree(model, new Dictionary<string, Tensor> { ["C"] = Tensor.FromStrings(colors, 5, 1), ["X"] = x });
    }
    [Fact]
    public void LabelEncoder_opset1_maps_strings_to_indices_and_back()
    {
        var classes = new[] { "red", "green", "blue" };
        OnnxModelBuilder model = Ml(1)
            .Input("C", TensorElementType.String, -1)
            .Input("K", TensorElementType.Int64, -1)
            .Output("codes", TensorElementType.Int64, -1)
            .Output("names", TensorElementType.String, -1)
            .Node("LabelEncoder", ["C"], ["codes"], "ai.onnx.ml", null, ("classes_strings", classes), ("default_int64", -7L))
            .Node("LabelEncoder", ["K"], ["names"], "ai.onnx.ml", null, ("classes_strings", classes), ("default_string", "none"));

        AssertAgree(model, new Dictionary<string, Tensor>
        {
            ["C"] = Tensor.FromStrings(["blue", "mauve", "red", "green"], 4),
            ["K"] = Tensor.FromInt64s([2, 0, 5, -1], 4),
        });
    }
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void LabelEncoder_float_keys_match_negative_zero_and_nan(int opset)
    {
        OnnxModelBuilder model = Ml(opset)
            .Input("X", F, -1)
            .Output("Y", TensorElementType.Int64, -1)
            .Node("LabelEncoder", ["X"], ["Y"], "ai.onnx.ml", null, ("keys_floats", new[] { 0f, 1.5f, float.NaN }), ("values_int64s", new long[] { 5, 6, 7 }), ("default_int64", -1L));

        AssertAgree(model, new Dictionary<string, Tensor> { ["X"] = Tensor.FromFloats([-0f, 0f, 1.5f, float.NaN, 2f], 5) });
    }
    [Theory]
    [InlineData("MAX")]
    [InlineData("L1")]
    [InlineData("L2")]
    public void Normalizer_with_negative_values_and_broadcast_Scaler(string norm)
    {
        OnnxModelBuilder model = Ml()
            .Input("X", F, -1, 3).Output("N", F, -1, 3).Output("S", F, -1, 3)
            .Node("Normalizer", ["X"], ["N"], "ai.onnx.ml", null, ("norm", norm))
            .Node("Scaler", ["X"], ["S"], "ai.onnx.ml", null, ("offset", new[] { 0.5f }), ("scale", new[] { -2f }));

        AssertAgree(model, new Dictionary<string, Tensor> { ["X"] = Tensor.FromFloats([-3f, 1f, 2f, -1f, -2f, -0.5f, 0f, 0f, 0f], 3, 3) });
    }

    private static OnnxModelBuilder TwoTargetStump(string post) => Ml()
        .Input("X", F, -1, 3).Output("Y", F, -1, 2)
        .Node("TreeEnsembleRegressor", ["X"], ["Y"], "ai.onnx.ml", null,
        [
            ("nodes_treeids", new long[] { 0, 0, 0 }),
            ("nodes_nodeids", new long[] { 0, 1, 2 }),
            ("nodes_featureids", new long[] { 0, 0, 0 }),
            ("nodes_values", new[] { 0.4f, 0f, 0f }),
            ("nodes_modes", new[] { "BRANCH_LEQ", "LEAF", "LEAF" }),
            ("nodes_truenodeids", new long[] { 1, 0, 0 }),
            ("nodes_falsenodeids", new long[] { 2, 0, 0 }),
            ("target_treeids", new long[] { 0, 0, 0 }),
            ("target_nodeids", new long[] { 1, 2, 2 }),
            ("target_ids", new long[] { 0, 0, 1 }),
            ("target_weights", new[] { 0.3f, 0.9f, 0.0f }),
            ("n_targets", 2L),
            ("post_transform", post),
        ]);

    [Fact]
    public void TreeEnsembleRegressor_with_softmax_zero()
    {
        AssertAgree(TwoTargetStump("SOFTMAX_ZERO"), new Dictionary<string, Tensor> { ["X"] = X() });
    }

    [Fact]
    public void TreeEnsembleRegressor_probit_is_the_exact_normal_quantile()
    {
        // onnxruntime approximates erfinv (about 1e-4 off here), so PROBIT is checked against the exact
        // standard-normal quantiles instead: Φ⁻¹(0.3) = −0.5244005127, Φ⁻¹(0.9) = 1.2815515655.
        Tensor y = OnnxModel.Load(TwoTargetStump("PROBIT").ToBytes()).CreateSession().Run(new Dictionary<string, Tensor> { ["X"] = X() })["Y"];
        float[] values = y.As<float>();

        for (int r = 0; r < values.Length / 2; r++)
        {
            double expected = Rows[r * 3] <= 0.4f ? -0.5244005127080407 : 1.2815515655446004;
            values[r * 2].Should().BeApproximately((float)expected, 1e-6f, $"row {r}");
        }
    }
}
