namespace ModelOps.Onnx.Tests;

/// <summary>
/// A large batch of a tree ensemble split over several threads gives the same bits as one thread, and as scoring its
/// rows one at a time: every row sums its trees in the same order however the rows are partitioned.
/// </summary>
public sealed class ParallelTreeTests
{
    private const int Features = 12;

    // 60 random trees of depth 5; "mixed" adds BRANCH_LT / BRANCH_GTE splits (the general walk), and every forest
    // sends missing values down a learned side at half its nodes.
    private static byte[] Forest(bool mixedModes, int seed)
    {
        var random = new Random(seed);
        List<long> trees = [], nodes = [], features = [], trueIds = [], falseIds = [], missing = [], leafTrees = [], leafNodes = [];
        List<float> values = [], weights = [];
        List<string> modes = [];
        const int depth = 5, branches = (1 << depth) - 1;
        for (int t = 0; t < 60; t++)
        {
            for (int n = 0; n < (2 * branches) + 1; n++)
            {
                bool branch = n < branches;
                trees.Add(t);
                nodes.Add(n);
                features.Add(branch ? random.Next(Features) : 0);
                values.Add(branch ? (float)((random.NextDouble() * 2) - 1) : 0);
                modes.Add(!branch ? "LEAF" : mixedModes && random.Next(3) == 0 ? (random.Next(2) == 0 ? "BRANCH_LT" : "BRANCH_GTE") : "BRANCH_LEQ");
                trueIds.Add(branch ? (2 * n) + 1 : 0);
                falseIds.Add(branch ? (2 * n) + 2 : 0);
                missing.Add(branch && random.Next(2) == 0 ? 1 : 0);
                if (!branch)
                {
                    leafTrees.Add(t);
                    leafNodes.Add(n);
                    weights.Add((float)((random.NextDouble() - 0.5) * 0.7));
                }
            }
        }

        return new OnnxModelBuilder().Opset("", 15).Opset("ai.onnx.ml", 3)
            .Input("X", TensorElementType.Float, -1, Features)
            .Output("label", TensorElementType.Int64, -1).Output("probabilities", TensorElementType.Float, -1, 2)
            .Node("TreeEnsembleClassifier", ["X"], ["label", "probabilities"], "ai.onnx.ml", null,
                ("nodes_treeids", trees.ToArray()), ("nodes_nodeids", nodes.ToArray()), ("nodes_featureids", features.ToArray()),
                ("nodes_values", values.ToArray()), ("nodes_modes", modes.ToArray()), ("nodes_truenodeids", trueIds.ToArray()),
                ("nodes_falsenodeids", falseIds.ToArray()), ("nodes_missing_value_tracks_true", missing.ToArray()),
                ("class_treeids", leafTrees.ToArray()), ("class_nodeids", leafNodes.ToArray()), ("class_ids", new long[leafTrees.Count]),
                ("class_weights", weights.ToArray()), ("classlabels_int64s", new long[] { 0, 1 }), ("post_transform", "LOGISTIC"))
            .ToBytes();
    }

    private static float[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * Features).Select(_ => random.NextDouble() < 0.05 ? float.NaN : (float)((random.NextDouble() * 2) - 1)).ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_batch_split_over_threads_matches_one_thread_bit_for_bit(bool mixedModes)
    {
        OnnxModel model = OnnxModel.Load(Forest(mixedModes, seed: mixedModes ? 11 : 12));
        const int rows = 5003; // not a multiple of any block, so the last chunk is short
        var input = new Dictionary<string, Tensor> { ["X"] = Tensor.FromFloats(Rows(rows, 13), rows, Features) };

        IReadOnlyDictionary<string, Tensor> one = model.CreateSession(new InferenceSessionOptions { MaxDegreeOfParallelism = 1 }).Run(input);
        IReadOnlyDictionary<string, Tensor> many = model.CreateSession(new InferenceSessionOptions { MaxDegreeOfParallelism = 4 }).Run(input);

        many["label"].As<long>().Should().Equal(one["label"].As<long>());
        Bits(many["probabilities"]).Should().Equal(Bits(one["probabilities"]));
        one["label"].As<long>().Distinct().Should().HaveCount(2, "the forest separates the rows, so a broken walk would show");
    }

    [Fact]
    public void A_parallel_batch_matches_scoring_its_rows_one_at_a_time()
    {
        OnnxModel model = OnnxModel.Load(Forest(mixedModes: true, seed: 21));
        const int rows = 2000;
        float[] data = Rows(rows, 22);
        InferenceSession session = model.CreateSession(new InferenceSessionOptions { MaxDegreeOfParallelism = 3 });

        int[] batch = Bits(session.Run(new Dictionary<string, Tensor> { ["X"] = Tensor.FromFloats(data, rows, Features) })["probabilities"]);

        for (int r = 0; r < rows; r += 37)
        {
            var row = new Dictionary<string, Tensor> { ["X"] = Tensor.FromFloats(data.AsSpan(r * Features, Features).ToArray(), 1, Features) };
            Bits(session.Run(row)["probabilities"]).Should().Equal(batch.AsSpan(r * 2, 2).ToArray(), $"row {r}");
        }
    }

    [Fact]
    public void A_degree_of_parallelism_below_one_is_refused()
    {
        OnnxModel model = OnnxModel.Load(Forest(mixedModes: false, seed: 31));
        Action create = () => model.CreateSession(new InferenceSessionOptions { MaxDegreeOfParallelism = 0 });
        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxDegreeOfParallelism*");
    }

    private static int[] Bits(Tensor t) => t.As<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
}
