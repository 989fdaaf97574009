namespace ModelOps.Onnx.Operators.Ml;

/// <summary>
/// ai.onnx.ml TreeEnsembleRegressor and TreeEnsembleClassifier (opsets 1 and 3): nodes addressed by
/// (tree id, node id), modes as strings including LEAF, leaf weights per target or class, base values,
/// aggregate (regressor) and post transform. A binary classifier with weights for one class only reports
/// [1 − p, p] (LOGISTIC) or [−s, s] (NONE) and predicts the second label when the score is positive.
/// </summary>
internal sealed class TreeEnsembleClassicKernel : OperatorKernel
{
    private readonly TreeForest _forest;
    private readonly string _postTransform;
    private readonly bool _classifier;
    private readonly string[]? _stringLabels;
    private readonly long[]? _intLabels;
    private readonly int _binaryColumn;
    private readonly double _binaryBase;

    private TreeEnsembleClassicKernel(TreeForest forest, string postTransform, bool classifier, string[]? stringLabels, long[]? intLabels, int binaryColumn, double binaryBase)
    {
        _forest = forest;
        _postTransform = postTransform;
        _classifier = classifier;
        _stringLabels = stringLabels;
        _intLabels = intLabels;
        _binaryColumn = binaryColumn;
        _binaryBase = binaryBase;
    }

    public static OperatorKernel CreateRegressor(NodeAttributes a, int opset) => Create(a, classifier: false);

    public static OperatorKernel CreateClassifier(NodeAttributes a, int opset) => Create(a, classifier: true);

    private static OperatorKernel Create(NodeAttributes a, bool classifier)
    {
        long[] treeIds = a.GetInts("nodes_treeids");
        long[] nodeIds = a.GetInts("nodes_nodeids");
        long[] featureIds = a.GetInts("nodes_featureids");
        double[] values = a.GetDoublesOrFloats("nodes_values_as_tensor", "nodes_values");
        string[] modes = a.GetStrings("nodes_modes");
        long[] trueIds = a.GetInts("nodes_truenodeids");
        long[] falseIds = a.GetInts("nodes_falsenodeids");
        long[] missing = a.GetInts("nodes_missing_value_tracks_true");
        string prefix = classifier ? "class" : "target";
        long[] leafTrees = a.GetInts(prefix + "_treeids");
        long[] leafNodes = a.GetInts(prefix + "_nodeids");
        long[] leafTargets = a.GetInts(prefix + "_ids");
        double[] leafWeights = a.GetDoublesOrFloats(prefix + "_weights_as_tensor", prefix + "_weights");
        int n = nodeIds.Length;
        if (new[] { treeIds.Length, featureIds.Length, values.Length, modes.Length, trueIds.Length, falseIds.Length }.Any(len => len != n)
            || (missing.Length != 0 && missing.Length != n)
            || leafNodes.Length != leafTrees.Length || leafTargets.Length != leafTrees.Length || leafWeights.Length != leafTrees.Length || n == 0)
        {
            throw a.Invalid("nodes_* and leaf attribute arrays must be non-empty and of matching lengths.");
        }

        string[]? stringLabels = null;
        long[]? intLabels = null;
        int targets;
        if (classifier)
        {
            stringLabels = a.GetStrings("classlabels_strings") is { Length: > 0 } s ? s : null;
            intLabels = a.GetInts("classlabels_int64s") is { Length: > 0 } i ? i : null;
            if ((stringLabels is null) == (intLabels is null))
            {
                throw a.Invalid("exactly one of classlabels_strings and classlabels_int64s must be given.");
            }

            targets = stringLabels?.Length ?? intLabels!.Length;
        }
        else
        {
            targets = checked((int)a.GetInt("n_targets", 1));
        }

        // Map (tree, node) to a dense index; branch nodes keep their index, leaves get ~leafIndex.
        var index = new Dictionary<(long Tree, long Node), int>();
        for (int i = 0; i < n; i++)
        {
            if (!index.TryAdd((treeIds[i], nodeIds[i]), i))
            {
                throw a.Invalid($"tree {treeIds[i]} node {nodeIds[i]} is defined twice.");
            }
        }

        var leafOf = new int[n];
        Array.Fill(leafOf, -1);
        var leafList = new List<int>();
        var isLeaf = modes.Select(m => m == "LEAF").ToArray();
        for (int i = 0; i < n; i++)
        {
            if (isLeaf[i])
            {
                leafOf[i] = leafList.Count;
                leafList.Add(i);
            }
        }

        var entries = new List<(int Leaf, int Target, double Weight)>();
        for (int k = 0; k < leafTrees.Length; k++)
        {
            if (!index.TryGetValue((leafTrees[k], leafNodes[k]), out int node) || !isLeaf[node])
            {
                throw a.Invalid($"weight {k} refers to tree {leafTrees[k]} node {leafNodes[k]}, which is not a LEAF.");
            }

            if (leafTargets[k] < 0 || leafTargets[k] >= targets)
            {
                throw a.Invalid($"weight {k} has target/class id {leafTargets[k]}, outside 0..{targets - 1}.");
            }

            entries.Add((leafOf[node], (int)leafTargets[k], leafWeights[k]));
        }

        entries.Sort((x, y) => x.Leaf.CompareTo(y.Leaf));
        var leafStart = new int[leafList.Count + 1];
        foreach ((int leaf, _, _) in entries)
        {
            leafStart[leaf + 1]++;
        }

        for (int l = 0; l < leafList.Count; l++)
        {
            leafStart[l + 1] += leafStart[l];
        }

        int Ref(long tree, long node, int from)
        {
            if (!index.TryGetValue((tree, node), out int target))
            {
                throw a.Invalid($"tree {tree} node {nodeIds[from]} points to node {node}, which does not exist.");
            }

            return isLeaf[target] ? ~leafOf[target] : target;
        }

        var branchModes = new BranchMode[n];
        var trueChild = new int[n];
        var falseChild = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (isLeaf[i])
            {
                continue;
            }

            branchModes[i] = modes[i] switch
            {
                "BRANCH_LEQ" => BranchMode.Leq,
                "BRANCH_LT" => BranchMode.Lt,
                "BRANCH_GTE" => BranchMode.Gte,
                "BRANCH_GT" => BranchMode.Gt,
                "BRANCH_EQ" => BranchMode.Eq,
                "BRANCH_NEQ" => BranchMode.Neq,
                _ => throw a.Invalid($"node mode '{modes[i]}' is not one of BRANCH_LEQ, BRANCH_LT, BRANCH_GTE, BRANCH_GT, BRANCH_EQ, BRANCH_NEQ, LEAF."),
            };
            trueChild[i] = Ref(treeIds[i], trueIds[i], i);
            falseChild[i] = Ref(treeIds[i], falseIds[i], i);
        }

        // Roots: the first node of each tree (node ids need not be 0-based, but the root comes first).
        var roots = treeIds.Select((t, i) => (t, i)).GroupBy(p => p.t).Select(g => g.First().i).ToArray();
        double[] baseValues = a.GetDoublesOrFloats("base_values_as_tensor", "base_values");
        if (baseValues.Length != 0 && baseValues.Length != targets && !(classifier && targets == 2 && baseValues.Length == 1))
        {
            throw a.Invalid($"base_values has {baseValues.Length} values for {targets} targets.");
        }

        var forest = new TreeForest
        {
            Roots = roots.Select(r => isLeaf[r] ? ~leafOf[r] : r).ToArray(),
            Features = featureIds.Select(f => f >= 0 ? (int)f : throw a.Invalid("feature ids cannot be negative.")).ToArray(),
            Splits = values,
            Modes = branchModes,
            TrueChild = trueChild,
            FalseChild = falseChild,
            MissingGoesTrue = Enumerable.Range(0, n).Select(i => missing.Length > 0 && missing[i] != 0).ToArray(),
            Members = new HashSet<double>?[n],
            LeafStart = leafStart,
            LeafTargets = entries.Select(e => e.Target).ToArray(),
            LeafWeights = entries.Select(e => e.Weight).ToArray(),
            TargetCount = targets,
            Aggregate = classifier ? Aggregate.Sum : a.GetString("aggregate_function", "SUM") switch
            {
                "SUM" => Aggregate.Sum,
                "AVERAGE" => Aggregate.Average,
                "MIN" => Aggregate.Min,
                "MAX" => Aggregate.Max,
                string other => throw a.Invalid($"aggregate_function '{other}' is not SUM, AVERAGE, MIN or MAX."),
            },
            BaseValues = baseValues,
        };
        TreeWalkGuard.EnsureAcyclic(forest, a);

        string post = a.GetString("post_transform", "NONE");
        PostTransform.Validate(a, post);
        // Binary classifiers usually carry weights for one class only: the raw score is that column's sum
        // (plus a single base value, which the forest adds to column 0).
        int binaryColumn = classifier && targets == 2 && entries.Count > 0 && entries.All(e => e.Target == entries[0].Target) ? entries[0].Target : -1;
        double binaryBase = binaryColumn == 1 && baseValues.Length == 1 ? baseValues[0] : 0;
        return new TreeEnsembleClassicKernel(forest, post, classifier, stringLabels, intLabels, binaryColumn, binaryBase);
    }

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        (int rows, int columns) = FeatureMatrix.Dimensions(x, _forest.MaxFeature);
        int t = _forest.TargetCount;
        double[] scores = context.Scratch<double>(0, rows * t);
        bool[] touchedAll = context.Scratch<bool>(1, rows * t);
        _forest.ScoreBatch(x, rows, columns, scores, touchedAll, context.Parallelism, context.CancellationToken);
        ReadOnlySpan<long> labelShape = [rows];
        (Tensor Tensor, string[] Data)? stringOut = _classifier && _stringLabels is not null ? context.OutputBuffer<string>(0, TensorElementType.String, labelShape) : null;
        (Tensor Tensor, long[] Data)? intOut = _classifier && _intLabels is not null ? context.OutputBuffer<long>(0, TensorElementType.Int64, labelShape) : null;
        for (int r = 0; r < rows; r++)
        {
            Span<double> s = scores.AsSpan(r * t, t);
            Span<bool> touched = touchedAll.AsSpan(r * t, t);
            int best;
            if (_binaryColumn >= 0)
            {
                best = PostTransform.ApplyBinary(_postTransform, s[_binaryColumn] + _binaryBase, s);
            }
            else
            {
                // As ONNX Runtime does: without base values, only classes that some leaf scored compete
                // for the label (an unscored class at 0 does not win a tie against negative scores).
                best = -1;
                for (int k = 0; k < t; k++)
                {
                    if ((_forest.BaseValues.Length > 0 || touched[k]) && (best < 0 || s[k] > s[best]))
                    {
                        best = k;
                    }
                }

                best = Math.Max(best, 0);
                PostTransform.Apply(_postTransform, s);
            }

            if (_classifier)
            {
                if (stringOut is { } strings)
                {
                    strings.Data[r] = _stringLabels![best];
                }
                else
                {
                    intOut!.Value.Data[r] = _intLabels![best];
                }
            }
        }

        (Tensor probabilities, float[] values) = context.OutputBuffer<float>(_classifier ? 1 : 0, TensorElementType.Float, [rows, t]);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)scores[i];
        }

        if (_classifier)
        {
            context.SetOutput(0, stringOut?.Tensor ?? intOut!.Value.Tensor);
            context.SetOutput(1, probabilities);
        }
        else
        {
            context.SetOutput(0, probabilities);
        }
    }
}
