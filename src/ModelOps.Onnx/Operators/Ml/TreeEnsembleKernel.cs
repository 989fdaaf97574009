namespace ModelOps.Onnx.Operators.Ml;

/// <summary>
/// ai.onnx.ml TreeEnsemble (opset 5): branch nodes and leaves in separate arrays, node modes as a uint8
/// tensor (BRANCH_LEQ … BRANCH_MEMBER), set membership values separated by NaN, one target per leaf,
/// aggregate and post transform given as integers. Output <c>Y</c> is [N, n_targets] of the input's type.
/// </summary>
internal sealed class TreeEnsembleKernel : OperatorKernel
{
    private readonly TreeForest _forest;
    private readonly string _postTransform;

    private TreeEnsembleKernel(TreeForest forest, string postTransform)
    {
        _forest = forest;
        _postTransform = postTransform;
    }

    public static OperatorKernel Create(NodeAttributes a, int opset)
    {
        long[] roots = a.GetInts("tree_roots");
        long[] features = a.GetInts("nodes_featureids");
        long[] trueIds = a.GetInts("nodes_truenodeids");
        long[] falseIds = a.GetInts("nodes_falsenodeids");
        long[] trueLeafs = a.GetInts("nodes_trueleafs");
        long[] falseLeafs = a.GetInts("nodes_falseleafs");
        long[] missing = a.GetInts("nodes_missing_value_tracks_true");
        Tensor modes = a.GetTensor("nodes_modes") ?? throw a.Invalid("required attribute 'nodes_modes' is missing.");
        Tensor splits = a.GetTensor("nodes_splits") ?? throw a.Invalid("required attribute 'nodes_splits' is missing.");
        Tensor weights = a.GetTensor("leaf_weights") ?? throw a.Invalid("required attribute 'leaf_weights' is missing.");
        long[] targets = a.GetInts("leaf_targetids");
        int nodes = features.Length;
        int leaves = targets.Length;
        int targetCount = checked((int)a.GetInt("n_targets", 1));
        if (new[] { trueIds.Length, falseIds.Length, trueLeafs.Length, falseLeafs.Length, modes.Length, splits.Length }.Any(n => n != nodes)
            || (missing.Length != 0 && missing.Length != nodes) || weights.Length != leaves || roots.Length == 0 || targetCount < 1)
        {
            throw a.Invalid("node and leaf attribute arrays must have matching lengths and at least one tree root.");
        }

        var memberValues = a.GetTensor("membership_values");
        var members = new HashSet<double>?[nodes];
        int memberCursor = 0;
        var branchModes = new BranchMode[nodes];
        for (int i = 0; i < nodes; i++)
        {
            int mode = (int)modes.GetDouble(i);
            if (mode is < 0 or > 6)
            {
                throw a.Invalid($"node {i} has mode {mode}; modes are 0 (BRANCH_LEQ) to 6 (BRANCH_MEMBER).");
            }

            branchModes[i] = (BranchMode)mode;
            if (branchModes[i] == BranchMode.Member)
            {
                if (memberValues is null)
                {
                    throw a.Invalid("a BRANCH_MEMBER node needs membership_values.");
                }

                var set = new HashSet<double>();
                while (memberCursor < memberValues.Length && !double.IsNaN(memberValues.GetDouble(memberCursor)))
                {
                    set.Add(memberValues.GetDouble(memberCursor++));
                }

                memberCursor++;
                members[i] = set;
            }
        }

        int Child(long id, long isLeaf, int node)
        {
            if (isLeaf != 0)
            {
                return id >= 0 && id < leaves ? ~(int)id : throw a.Invalid($"node {node} points to leaf {id}, outside 0..{leaves - 1}.");
            }

            return id >= 0 && id < nodes && id != node ? (int)id : throw a.Invalid($"node {node} points to node {id}, outside 0..{nodes - 1} or itself.");
        }

        var forest = new TreeForest
        {
            Roots = roots.Select(r => r >= 0 && r < nodes ? (int)r : throw a.Invalid($"tree root {r} is outside 0..{nodes - 1}.")).ToArray(),
            Features = features.Select(f => f >= 0 ? (int)f : throw a.Invalid("feature ids cannot be negative.")).ToArray(),
            Splits = Enumerable.Range(0, nodes).Select(splits.GetDouble).ToArray(),
            Modes = branchModes,
            TrueChild = Enumerable.Range(0, nodes).Select(i => Child(trueIds[i], trueLeafs[i], i)).ToArray(),
            FalseChild = Enumerable.Range(0, nodes).Select(i => Child(falseIds[i], falseLeafs[i], i)).ToArray(),
            MissingGoesTrue = Enumerable.Range(0, nodes).Select(i => missing.Length > 0 && missing[i] != 0).ToArray(),
            Members = members,
            LeafStart = Enumerable.Range(0, leaves + 1).ToArray(),
            LeafTargets = targets.Select(t => t >= 0 && t < targetCount ? (int)t : throw a.Invalid($"leaf target {t} is outside 0..{targetCount - 1}.")).ToArray(),
            LeafWeights = Enumerable.Range(0, leaves).Select(weights.GetDouble).ToArray(),
            TargetCount = targetCount,
            Aggregate = a.GetInt("aggregate_function", 1) switch
            {
                0 => Aggregate.Average,
                1 => Aggregate.Sum,
                2 => Aggregate.Min,
                3 => Aggregate.Max,
                long other => throw a.Invalid($"aggregate_function {other} is not 0–3."),
            },
            BaseValues = [],
        };
        TreeWalkGuard.EnsureAcyclic(forest, a);
        string post = PostTransform.FromCode(a.GetInt("post_transform", 0));
        PostTransform.Validate(a, post);
        return new TreeEnsembleKernel(forest, post);
    }

    public override void Run(in KernelContext context)
    {
        Tensor x = context.Input(0);
        (int rows, int columns) = FeatureMatrix.Dimensions(x, _forest.MaxFeature);
        int t = _forest.TargetCount;
        double[] output = context.Scratch<double>(0, rows * t);
        _forest.ScoreBatch(x, rows, columns, output, context.Scratch<bool>(1, rows * t), context.Parallelism, context.CancellationToken);
        for (int r = 0; r < rows; r++)
        {
            PostTransform.Apply(_postTransform, output.AsSpan(r * t, t));
        }

        switch (x.ElementType)
        {
            case TensorElementType.Double:
                (Tensor doubles, double[] d) = context.OutputBuffer<double>(0, TensorElementType.Double, [rows, t]);
                output.AsSpan().CopyTo(d);
                context.SetOutput(0, doubles);
                break;
            case TensorElementType.Float:
                (Tensor floats, float[] f) = context.OutputBuffer<float>(0, TensorElementType.Float, [rows, t]);
                for (int i = 0; i < f.Length; i++) f[i] = (float)output[i];
                context.SetOutput(0, floats);
                break;
            default:
                context.SetOutput(0, FeatureMatrix.Typed(x.ElementType, (double[])output.Clone(), [rows, t]));
                break;
        }
    }
}

/// <summary>Rejects trees whose child links loop (each walk must reach a leaf).</summary>
internal static class TreeWalkGuard
{
    public static void EnsureAcyclic(TreeForest forest, NodeAttributes a)
    {
        int nodes = forest.Features.Length;
        var state = new byte[nodes]; // 0 unseen, 1 on stack, 2 done
        var stack = new Stack<(int Node, int Phase)>();
        foreach (int root in forest.Roots)
        {
            if (root < 0)
            {
                continue; // a tree that is a single leaf
            }

            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                (int node, int phase) = stack.Pop();
                if (phase == 1)
                {
                    state[node] = 2;
                    continue;
                }

                if (state[node] == 2)
                {
                    continue;
                }

                if (state[node] == 1)
                {
                    throw a.Invalid($"tree node {node} is reached again on its own path: the tree has a cycle.");
                }

                state[node] = 1;
                stack.Push((node, 1));
                foreach (int child in new[] { forest.TrueChild[node], forest.FalseChild[node] })
                {
                    if (child >= 0)
                    {
                        if (state[child] == 1)
                        {
                            throw a.Invalid($"tree node {child} is reached again on its own path: the tree has a cycle.");
                        }

                        stack.Push((child, 0));
                    }
                }
            }
        }
    }
}

/// <summary>Reading a 1-D or 2-D numeric input as rows of doubles, and typing results like the input.</summary>
internal static class FeatureMatrix
{
    public static (int Rows, int Columns) Dimensions(Tensor x, int maxFeature)
    {
        (int rows, int columns) = x.Rank switch
        {
            1 => (1, (int)x.Shape[0]),
            2 => ((int)x.Shape[0], (int)x.Shape[1]),
            _ => throw new ModelInputException($"The feature input must be 1-D or 2-D, not rank {x.Rank}."),
        };
        if (maxFeature >= columns)
        {
            throw new ModelInputException($"The model reads feature {maxFeature} but the input has {columns} columns.");
        }

        return (rows, columns);
    }

    /// <summary>The whole [rows, columns] input as row-major doubles.</summary>
    public static double[] ToDoubles(Tensor x, int rows, int columns)
    {
        if (x.ElementType == TensorElementType.Double)
        {
            return (double[])x.Data;
        }

        var result = new double[rows * columns];
        if (x.ElementType == TensorElementType.Float)
        {
            float[] f = (float[])x.Data;
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = f[i];
            }
        }
        else
        {
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = x.GetDouble(i);
            }
        }

        return result;
    }

    public static void ReadRow(Tensor x, int row, Span<double> into)
    {
        int c = into.Length;
        int offset = row * c;
        switch (x.Data)
        {
            case float[] f:
                for (int j = 0; j < c; j++)
                {
                    into[j] = f[offset + j];
                }

                break;
            case double[] d:
                d.AsSpan(offset, c).CopyTo(into);
                break;
            default:
                for (int j = 0; j < c; j++)
                {
                    into[j] = x.GetDouble(offset + j);
                }

                break;
        }
    }

    public static Tensor Typed(TensorElementType inputType, double[] values, long[] shape) => inputType switch
    {
        TensorElementType.Double => Tensor.FromDoubles(values, shape),
        _ => Tensor.FromFloats(values.Select(v => (float)v).ToArray(), shape),
    };
}
