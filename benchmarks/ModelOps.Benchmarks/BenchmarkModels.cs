using ModelOps.Onnx;

namespace ModelOps.Benchmarks;

/// <summary>
/// The synthetic models of the ONNX scoring benchmark, made deterministically over 45 features: a 100-tree, depth-6
/// gradient-boosted binary classifier, trees shaped as scikit-learn's HistGradientBoosting exports them, a Scaler +
/// LinearClassifier (logistic regression) pipeline, and logistic regression written in core operators.
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

    /// <summary>
    /// Logistic regression in core operators, as converters write it for a standardized linear model:
    /// Sigmoid(MatMul((X − mean) / scale, W) + b), float32 or float64 throughout.
    /// </summary>
    public static byte[] CoreLogisticRegression(bool float64, int seed = 4)
    {
        var random = new Random(seed);
        double[] Draw(int n, double scale, double shift) => Enumerable.Range(0, n).Select(_ => ((random.NextDouble() - 0.5) * scale) + shift).ToArray();
        double[] mean = Draw(Features, 0.4, 0), scale = Draw(Features, 1, 1), weights = Draw(Features, 1, 0);
        TensorElementType type = float64 ? TensorElementType.Double : TensorElementType.Float;
        Tensor Constant(double[] values, params long[] shape) =>
            float64 ? Tensor.FromDoubles(values, shape) : Tensor.FromFloats(values.Select(v => (float)v).ToArray(), shape);
        return new OnnxModelBuilder("core-logistic").Opset("", 15)
            .Input("features", type, -1, Features).Output("probability", type, -1, 1)
            .Initializer("mean", Constant(mean, Features)).Initializer("scale", Constant(scale, Features))
            .Initializer("weights", Constant(weights, Features, 1)).Initializer("bias", Constant([-0.2], 1))
            .Node("Sub", ["features", "mean"], ["centred"]).Node("Div", ["centred", "scale"], ["standardized"])
            .Node("MatMul", ["standardized", "weights"], ["linear"]).Node("Add", ["linear", "bias"], ["logit"])
            .Node("Sigmoid", ["logit"], ["probability"])
            .ToBytes();
    }

    /// <summary>
    /// A binary TreeEnsembleClassifier shaped like scikit-learn's HistGradientBoostingClassifier export (100 trees of
    /// 31 leaves grown unevenly, BRANCH_LEQ with a learned direction for missing values, a baseline score, LOGISTIC).
    /// </summary>
    public static byte[] HistGradientBoostingShaped(int trees = 100, int leaves = 31, int seed = 5)
    {
        var random = new Random(seed);
        var a = new TreeAttributes();
        for (int t = 0; t < trees; t++)
        {
            // Best-first growth, as HistGradientBoosting does: split a random current leaf until the tree has its leaves.
            var open = new List<int> { 0 };
            var split = new Dictionary<int, (int True, int False)>();
            int next = 1;
            while (open.Count < leaves)
            {
                int leaf = open[random.Next(open.Count)];
                open.Remove(leaf);
                split[leaf] = (next, next + 1);
                open.Add(next);
                open.Add(next + 1);
                next += 2;
            }

            for (int n = 0; n < next; n++)
            {
                bool branch = split.TryGetValue(n, out (int True, int False) children);
                a.Node(t, n, branch ? random.Next(Features) : 0, branch ? (float)((random.NextDouble() * 2) - 1) : 0,
                    branch ? "BRANCH_LEQ" : "LEAF", children.True, children.False, branch && random.Next(2) == 0);
                if (!branch) a.Leaf(t, n, (float)((random.NextDouble() - 0.5) * 0.3));
            }
        }

        return new OnnxModelBuilder("hgb").Opset("", 15).Opset("ai.onnx.ml", 3)
            .Input("features", TensorElementType.Float, -1, Features)
            .Output("label", TensorElementType.Int64, -1).Output("probabilities", TensorElementType.Float, -1, 2)
            .Node("TreeEnsembleClassifier", ["features"], ["label", "probabilities"], "ai.onnx.ml", "hgb",
                a.Attributes().Append(("classlabels_int64s", new long[] { 0, 1 })).Append(("post_transform", "LOGISTIC"))
                    .Append(("base_values", new[] { -1.02f })).ToArray())
            .ToBytes();
    }

    /// <summary>Rows with a share of missing values (NaN), for the models that route them.</summary>
    public static float[] RowsWithMissing(int count, double missing = 0.02, int seed = 6)
    {
        var random = new Random(seed);
        float[] rows = Rows(count, seed);
        for (int i = 0; i < rows.Length; i++)
        {
            if (random.NextDouble() < missing) rows[i] = float.NaN;
        }

        return rows;
    }

    private sealed class TreeAttributes
    {
        private readonly List<long> _trees = [], _nodes = [], _features = [], _true = [], _false = [], _missing = [];
        private readonly List<float> _values = [];
        private readonly List<string> _modes = [];
        private readonly List<long> _leafTrees = [], _leafNodes = [];
        private readonly List<float> _weights = [];

        public void Node(int tree, int node, int feature, float value, string mode, int trueId, int falseId, bool missingTrue)
        {
            _trees.Add(tree);
            _nodes.Add(node);
            _features.Add(feature);
            _values.Add(value);
            _modes.Add(mode);
            _true.Add(trueId);
            _false.Add(falseId);
            _missing.Add(missingTrue ? 1 : 0);
        }

        public void Leaf(int tree, int node, float weight)
        {
            _leafTrees.Add(tree);
            _leafNodes.Add(node);
            _weights.Add(weight);
        }

        public IEnumerable<(string Name, object Value)> Attributes() =>
        [
            ("nodes_treeids", _trees.ToArray()), ("nodes_nodeids", _nodes.ToArray()), ("nodes_featureids", _features.ToArray()),
            ("nodes_values", _values.ToArray()), ("nodes_modes", _modes.ToArray()), ("nodes_truenodeids", _true.ToArray()),
            ("nodes_falsenodeids", _false.ToArray()), ("nodes_missing_value_tracks_true", _missing.ToArray()),
            ("class_treeids", _leafTrees.ToArray()), ("class_nodeids", _leafNodes.ToArray()), ("class_ids", new long[_leafTrees.Count]),
            ("class_weights", _weights.ToArray()),
        ];
    }
}
