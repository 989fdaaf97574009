namespace ModelOps.Onnx.Tests;

/// <summary>
/// Hand-computed expectations from the operator text of onnx/docs/Operators-ml.md (and onnxruntime's binary
/// conventions), worked independently of the kernels: tiny one-tree models whose outputs can be checked by eye.
/// </summary>
public sealed class SpecCrossCheckTests
{
    private const string Ml = "ai.onnx.ml";

    private static (string, object)[] Tree(string weightPrefix, long[] ids, float[] weights) =>
    [
        ("nodes_treeids", new long[] { 0, 0, 0 }),
        ("nodes_nodeids", new long[] { 0, 1, 2 }),
        ("nodes_featureids", new long[] { 0, 0, 0 }),
        ("nodes_modes", new[] { "BRANCH_LEQ", "LEAF", "LEAF" }),
        ("nodes_values", new[] { 1f, 0f, 0f }),
        ("nodes_truenodeids", new long[] { 1, 0, 0 }),
        ("nodes_falsenodeids", new long[] { 2, 0, 0 }),
        ("nodes_missing_value_tracks_true", new long[] { 1, 0, 0 }),
        (weightPrefix + "_treeids", ids.Select(_ => 0L).ToArray()),
        (weightPrefix + "_nodeids", ids.Select((_, i) => i < ids.Length / 2 ? 1L : 2L).ToArray()),
        (weightPrefix + "_ids", ids),
        (weightPrefix + "_weights", weights),
    ];

    private static IReadOnlyDictionary<string, Tensor> Run(string op, (string, object)[] attributes, string[] outputs, TensorElementType[] types, float[] x, long rows)
    {
        var b = new OnnxModelBuilder().Opset("", 13).Opset(Ml, 3).Input("X", TensorElementType.Float, rows, 2).Node(op, ["X"], outputs, Ml, null, attributes);
        for (int i = 0; i < outputs.Length; i++) b.Output(outputs[i], types[i]);
        return new InferenceSession(b.Build()).Run(new Dictionary<string, Tensor> { ["X"] = Tensor.FromFloats(x, rows, 2) });
    }

    [Fact]
    public void Tree_regressor_adds_base_value_and_sends_missing_values_down_the_tracked_branch()
    {
        var y = Run("TreeEnsembleRegressor", [.. Tree("target", [0, 0], [5f, -3f]), ("base_values", new[] { 0.5f })], ["Y"], [TensorElementType.Float], [0.5f, 0f, 2f, 0f, float.NaN, 0f], 3)["Y"];
        y.As<float>().Should().Equal(5.5f, -2.5f, 5.5f);
    }

    [Fact]
    public void Tree_classifier_labels_each_row_with_its_highest_class_score()
    {
        var r = Run("TreeEnsembleClassifier", [.. Tree("class", [0, 1, 2, 0, 1, 2], [0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f]), ("classlabels_strings", new[] { "a", "b", "c" })],
            ["label", "scores"], [TensorElementType.String, TensorElementType.Float], [0.5f, 0f, 2f, 0f], 2);
        r["label"].As<string>().Should().Equal("a", "c");
        r["scores"].As<float>().Should().Equal(0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f);
    }

    [Fact]
    public void Tree_classifier_with_one_score_for_two_classes_returns_complementary_logistic_probabilities()
    {
        var r = Run("TreeEnsembleClassifier", [.. Tree("class", [0, 0], [2f, -1f]), ("classlabels_int64s", new long[] { 0, 1 }), ("post_transform", "LOGISTIC")],
            ["label", "scores"], [TensorElementType.Int64, TensorElementType.Float], [0.5f, 0f, 2f, 0f], 2);
        r["label"].As<long>().Should().Equal(1, 0);
        var z = r["scores"].As<float>();
        z[1].Should().BeApproximately(0.8807971f, 1e-6f);
        z[0].Should().BeApproximately(0.1192029f, 1e-6f);
        z[3].Should().BeApproximately(0.2689414f, 1e-6f);
    }

    [Fact]
    public void Linear_classifier_with_one_coefficient_row_returns_complementary_logistic_probabilities()
    {
        var r = Run("LinearClassifier", [("coefficients", new[] { 1f, -1f }), ("intercepts", new[] { 0.5f }), ("classlabels_ints", new long[] { 0, 1 }), ("post_transform", "LOGISTIC")],
            ["label", "p"], [TensorElementType.Int64, TensorElementType.Float], [1f, 0f, 0f, 2f], 2);
        r["label"].As<long>().Should().Equal(1, 0);
        var p = r["p"].As<float>();
        p[1].Should().BeApproximately(0.8175745f, 1e-6f);
        p[0].Should().BeApproximately(0.1824255f, 1e-6f);
        p[3].Should().BeApproximately(0.1824255f, 1e-6f);
    }

    [Fact]
    public void Normalizer_l2_scales_rows_to_unit_length()
    {
        Run("Normalizer", [("norm", "L2")], ["Y"], [TensorElementType.Float], [3f, 4f], 1)["Y"].As<float>().Should().Equal(0.6f, 0.8f);
    }

    [Fact]
    public void Imputer_replaces_nan_with_the_column_value()
    {
        Run("Imputer", [("imputed_value_floats", new[] { 7f, 9f }), ("replaced_value_float", float.NaN)], ["Y"], [TensorElementType.Float], [float.NaN, 1f, 2f, float.NaN], 2)["Y"]
            .As<float>().Should().Equal(7f, 1f, 2f, 9f);
    }
}
