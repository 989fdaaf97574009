namespace ModelOps.Onnx.Tests;

/// <summary>
/// Tree walks run several at a time (rows through one tree, or one row through several trees), with leaves that
/// lead to themselves so a finished walk may keep stepping. Trees of uneven depth, missing values sent either way and
/// batch sizes around the group of four must still reach exactly the leaf a plain walk reaches.
/// </summary>
public sealed class TreeLaneTests
{
    private const int Features = 7, Trees = 23;

    [Theory]
    [InlineData(TensorElementType.Float, false)]
    [InlineData(TensorElementType.Double, false)]
    [InlineData(TensorElementType.Float, true)]
    [InlineData(TensorElementType.Double, true)]
    public void Every_batch_size_sums_the_leaves_a_plain_walk_reaches(TensorElementType type, bool complete)
    {
        Forest forest = Grow(seed: 3, complete);
        InferenceSession session = OnnxModel.Load(forest.Model(type)).CreateSession(new InferenceSessionOptions { MaxDegreeOfParallelism = 2 });
        var random = new Random(4);

        foreach (int rows in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 1500 })
        {
            float[] x = Enumerable.Range(0, rows * Features)
                .Select(_ => random.NextDouble() < 0.1 ? float.NaN : (float)Math.Round((random.NextDouble() * 2) - 1, 1)).ToArray();
            Tensor input = type == TensorElementType.Float
                ? Tensor.FromFloats(x, rows, Features)
                : Tensor.FromDoubles(x.Select(v => (double)v).ToArray(), rows, Features);

            float[] scored = session.Run(new Dictionary<string, Tensor> { ["X"] = input })["Y"].As<float>();

            float[] expected = Enumerable.Range(0, rows).Select(r => forest.Score(x.AsSpan(r * Features, Features))).ToArray();
            scored.Should().Equal(expected, $"a batch of {rows} rows");
        }
    }

    [Fact]
    public void A_split_of_NaN_sends_single_rows_where_batches_go()
    {
        // v ≤ NaN holds for no v, so only missing values on the node's missing side take its true branch.
        Forest forest = Grow(seed: 8, complete: false);
        forest.SplitIsNaN(tree: 0, node: 0);
        forest.SplitIsNaN(tree: 3, node: 1);
        InferenceSession session = OnnxModel.Load(forest.Model(TensorElementType.Float)).CreateSession();
        var random = new Random(2);

        for (int i = 0; i < 40; i++)
        {
            float[] x = Enumerable.Range(0, Features).Select(_ => random.NextDouble() < 0.3 ? float.NaN : (float)((random.NextDouble() * 2) - 1)).ToArray();

            float scored = session.Run(new Dictionary<string, Tensor> { ["X"] = Tensor.FromFloats(x, 1, Features) })["Y"].As<float>()[0];

            scored.Should().Be(forest.Score(x));
        }
    }

    private static Forest Grow(int seed, bool complete)
    {
        // Each node splits with a chance that falls with its depth (none past 9): paths from 1 to 9 branches deep,
        // numbered breadth-first. Complete trees instead split every node down to 1–6 levels, so groups of trees of
        // different depths walk together. One tree is a single leaf.
        var random = new Random(seed);
        var f = new Forest();
        for (int t = 0; t < Trees; t++)
        {
            var queue = new Queue<(int Node, int Depth)>([(0, 0)]);
            int count = 1;
            while (queue.Count > 0)
            {
                (int node, int depth) = queue.Dequeue();
                bool branch = t != 5 && (complete ? depth < 1 + (t % 6) : depth < 9 && random.NextDouble() < 0.95 - (depth * 0.1));
                (int True, int False) children = branch ? (count, count + 1) : (0, 0);
                if (branch)
                {
                    queue.Enqueue((count++, depth + 1));
                    queue.Enqueue((count++, depth + 1));
                }

                f.Add(t, node, branch, random.Next(Features), (float)Math.Round((random.NextDouble() * 2) - 1, 1), children, random.Next(2) == 0,
                    (float)((random.NextDouble() - 0.5) * 0.4));
            }
        }

        return f;
    }

    private sealed class Forest
    {
        private readonly List<long> _trees = [], _nodes = [], _features = [], _true = [], _false = [], _missing = [], _leafTrees = [], _leafNodes = [];
        private readonly List<float> _values = [], _weights = [];
        private readonly List<string> _modes = [];
        private readonly Dictionary<(int Tree, int Node), (bool Branch, int Feature, float Split, int True, int False, bool MissingTrue, float Weight)> _byNode = [];

        public void Add(int tree, int node, bool branch, int feature, float split, (int True, int False) children, bool missingTrue, float weight)
        {
            _byNode[(tree, node)] = (branch, feature, split, children.True, children.False, missingTrue, weight);
            _trees.Add(tree);
            _nodes.Add(node);
            _features.Add(branch ? feature : 0);
            _values.Add(branch ? split : 0);
            _modes.Add(branch ? "BRANCH_LEQ" : "LEAF");
            _true.Add(children.True);
            _false.Add(children.False);
            _missing.Add(branch && missingTrue ? 1 : 0);
            if (!branch)
            {
                _leafTrees.Add(tree);
                _leafNodes.Add(node);
                _weights.Add(weight);
            }
        }

        public void SplitIsNaN(int tree, int node)
        {
            int index = Enumerable.Range(0, _trees.Count).Single(i => _trees[i] == tree && _nodes[i] == node);
            _values[index] = float.NaN;
            _byNode[(tree, node)] = _byNode[(tree, node)] with { Split = float.NaN };
        }

        // The plain walk: each tree from its root, x ≤ split (or missing with the node's missing side) goes true;
        // leaf weights summed in double in tree order, then the base value, then rounded to float.
        public float Score(ReadOnlySpan<float> x)
        {
            double sum = 0;
            for (int t = 0; t < Trees; t++)
            {
                var n = _byNode[(t, 0)];
                int id = 0;
                while (n.Branch)
                {
                    float v = x[n.Feature];
                    id = (float.IsNaN(v) ? n.MissingTrue : v <= n.Split) ? n.True : n.False;
                    n = _byNode[(t, id)];
                }

                sum += n.Weight;
            }

            return (float)(sum + 0.25f);
        }

        public byte[] Model(TensorElementType type) => new OnnxModelBuilder().Opset("", 15).Opset("ai.onnx.ml", 3)
            .Input("X", type, -1, Features)
            .Output("Y", TensorElementType.Float, -1, 1)
            .Node("TreeEnsembleRegressor", ["X"], ["Y"], "ai.onnx.ml", null,
                ("nodes_treeids", _trees.ToArray()), ("nodes_nodeids", _nodes.ToArray()), ("nodes_featureids", _features.ToArray()),
                ("nodes_values", _values.ToArray()), ("nodes_modes", _modes.ToArray()), ("nodes_truenodeids", _true.ToArray()),
                ("nodes_falsenodeids", _false.ToArray()), ("nodes_missing_value_tracks_true", _missing.ToArray()),
                ("target_treeids", _leafTrees.ToArray()), ("target_nodeids", _leafNodes.ToArray()), ("target_ids", new long[_leafTrees.Count]),
                ("target_weights", _weights.ToArray()), ("n_targets", 1L), ("base_values", new[] { 0.25f }))
            .ToBytes();
    }
}
