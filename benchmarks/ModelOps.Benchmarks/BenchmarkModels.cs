using ModelOps.Onnx;

namespace ModelOps.Benchmarks;

/// <summary>
/// The two models of the ONNX scoring benchmark, made deterministically: a 100-tree, depth-6 gradient-boosted
/// binary classifier on 45 features, and a Scaler + LinearClassifier (logistic regression) pipeline.
/// </summary>
internal static class BenchmarkModels
{
    public const int Features = 45;

    public static byte[] GradientBoostedTrees(int trees = 100, int depth = 6, int seed = 1)
    {
        var random = new Random(seed);
        var treeIds = new List<long>();
        var nodeIds = new List<long>();
        var featureIds = new List<long>();
        var values = new List<float>();
        var modes = new List<string>();
        var trueIds = new List<long>();
        var falseIds = new List<long>();
        var leafTrees = new List<long>();
        var leafNodes = new List<long>();
        var leafWeights = new List<float>();
        int internalNodes = (1 << depth) - 1;
        for (int t = 0; t < trees; t++)
        {
            for (int n = 0; n < (2 * internalNodes) + 1; n++)
            {
                treeIds.Add(t);
                nodeIds.Add(n);
                if (n < internalNodes)
                {
                    featureIds.Add(random.Next(Features));
                    values.Add((float)((random.NextDouble() * 2) - 1));
                    modes.Add("BRANCH_LEQ");
                    trueIds.Add((2 * n) + 1);
                    falseIds.Add((2 * n) + 2);
                }
                else
                {
                    featureIds.Add(0);
                    values.Add(0);
                    modes.Add("LEAF");
                    trueIds.Add(0);
                    falseIds.Add(0);
                    leafTrees.Add(t);
                    leafNodes.Add(n);
                    leafWeights.Add((float)((random.NextDouble() - 0.5) * 0.2));
                }
            }
        }

        return new OnnxModelBuilder("gbdt").Opset("", 15).Opset("ai.onnx.ml", 3)
            .Input("features", TensorElementType.Float, -1, Features)
            .Output("label", TensorElementType.Int64, -1).Output("probabilities", TensorElementType.Float, -1, 2)
            .Node("TreeEnsembleClassifier", ["features"], ["label", "probabilities"], "ai.onnx.ml", "gbdt",
                ("nodes_treeids", treeIds.ToArray()), ("nodes_nodeids", nodeIds.ToArray()), ("nodes_featureids", featureIds.ToArray()),
                ("nodes_values", values.ToArray()), ("nodes_modes", modes.ToArray()),
                ("nodes_truenodeids", trueIds.ToArray()), ("nodes_falsenodeids", falseIds.ToArray()),
                ("class_treeids", leafTrees.ToArray()), ("class_nodeids", leafNodes.ToArray()),
                ("class_ids", new long[leafTrees.Count]), ("class_weights", leafWeights.ToArray()),
                ("classlabels_int64s", new long[] { 0, 1 }), ("post_transform", "LOGISTIC"), ("base_values", new[] { -1.0f }))
            .ToBytes();
    }

    public static byte[] LogisticRegression(int seed = 2)
    {
        var random = new Random(seed);
        float[] Draw(double scale) => Enumerable.Range(0, Features).Select(_ => (float)((random.NextDouble() - 0.5) * scale)).ToArray();
        return new OnnxModelBuilder("glm").Opset("", 15).Opset("ai.onnx.ml", 3)
            .Input("features", TensorElementType.Float, -1, Features)
            .Output("label", TensorElementType.Int64, -1).Output("probabilities", TensorElementType.Float, -1, 2)
            .Node("Scaler", ["features"], ["scaled"], "ai.onnx.ml", "scale", ("offset", Draw(1)), ("scale", Draw(2).Select(v => Math.Abs(v) + 0.5f).ToArray()))
            .Node("LinearClassifier", ["scaled"], ["label", "probabilities"], "ai.onnx.ml", "glm",
                ("coefficients", Draw(1)), ("intercepts", new[] { -0.3f }), ("classlabels_ints", new long[] { 0, 1 }), ("post_transform", "LOGISTIC"))
            .ToBytes();
    }

    public static float[] Rows(int count, int seed = 3)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * Features).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
    }
}
