using System.Numerics;
using System.Runtime.CompilerServices;

namespace ModelOps.Onnx.Operators.Ml;

/// <summary>
/// The BRANCH_LEQ walk, four walks at a time. Leaves become nodes that lead to themselves, so a walk that reached
/// its leaf may take further steps without moving, and each step selects the child by index (no branch). Four
/// independent walks — four rows through one tree in a batch (a single row walks eight trees at once, TreeForest.RowWalk) — then
/// overlap their memory reads instead of waiting for one another, and no walk pays for a mispredicted branch.
/// Each row still gets exactly the leaf the one-at-a-time walk gives and adds its leaves in tree order.
/// </summary>
internal sealed partial class TreeForest
{
    /// <summary>
    /// A node of the lane walk: split, feature, then the true and the false child side by side (selected by index).
    /// The sign bit of <see cref="Feature"/> says a missing value goes to the true branch. A leaf node has an infinite
    /// split, feature 0 and itself as both children.
    /// </summary>
    private struct LaneNode<TSplit>
        where TSplit : unmanaged
    {
        public TSplit Split;
        public int Feature;
        public int True;
        public int False;
    }

    /// <summary>Nodes of every tree (branches at their own index, then one node per leaf), roots and depths.</summary>
    private sealed class Lanes<TSplit>
        where TSplit : unmanaged, IFloatingPointIeee754<TSplit>
    {
        public Lanes(TreeForest forest)
        {
            int branches = forest.Features.Length, leaves = forest.LeafStart.Length - 1;
            FirstLeaf = branches;
            int Index(int child) => child >= 0 ? child : branches + ~child;
            Nodes = new LaneNode<TSplit>[branches + leaves];
            for (int i = 0; i < branches; i++)
            {
                Nodes[i] = new LaneNode<TSplit>
                {
                    Split = TSplit.CreateTruncating(forest.Splits[i]),
                    Feature = forest.MissingGoesTrue[i] ? forest.Features[i] | int.MinValue : forest.Features[i],
                    True = Index(forest.TrueChild[i]),
                    False = Index(forest.FalseChild[i]),
                };
            }

            for (int l = 0; l < leaves; l++)
            {
                Nodes[branches + l] = new LaneNode<TSplit> { Split = TSplit.PositiveInfinity, True = branches + l, False = branches + l };
            }

            // Summed leaves of one weight each (regressors, binary classifiers) add without the per-leaf loop.
            if (forest.Aggregate is Aggregate.Sum or Aggregate.Average && Enumerable.Range(0, leaves).All(l => forest.LeafStart[l + 1] - forest.LeafStart[l] == 1))
            {
                SingleTargets = Enumerable.Range(0, leaves).Select(l => forest.LeafTargets[forest.LeafStart[l]]).ToArray();
                SingleWeights = Enumerable.Range(0, leaves).Select(l => forest.LeafWeights[forest.LeafStart[l]]).ToArray();
            }

            Roots = forest.Roots.Select(Index).ToArray();
            var depths = new int[branches];
            Depths = forest.Roots.Select(r => Depth(forest, r, depths)).ToArray();
            Even = forest.Roots.Select((r, t) => MeanLeafDepth(forest, r) >= EvenShare * Depths[t]).ToArray();
            Row = new RowWalk<TSplit>(forest, Depths, Even, SingleTargets, SingleWeights);
        }

        /// <summary>The same trees laid out for one row's walk.</summary>
        public RowWalk<TSplit> Row { get; }

        /// <summary>
        /// Trees whose leaves sit on average at least this share of the longest path down walk in lanes; on more
        /// uneven trees the lanes would mostly wait for their longest walk, and a plain walk per row is faster.
        /// </summary>
        private const double EvenShare = 0.85;

        /// <summary>Per tree: its leaves are nearly all as deep as its longest path, so it walks in lanes.</summary>
        public bool[] Even { get; }

        public LaneNode<TSplit>[] Nodes { get; }

        public int FirstLeaf { get; }

        /// <summary>When every leaf holds exactly one summed weight: its target, and the weight.</summary>
        public int[]? SingleTargets { get; }

        public double[]? SingleWeights { get; }

        public int[] Roots { get; }

        /// <summary>Branch nodes on each tree's longest path.</summary>
        public int[] Depths { get; }

        private static double MeanLeafDepth(TreeForest forest, int root)
        {
            if (root < 0) return 0;
            long leaves = 0, total = 0;
            var stack = new Stack<(int Node, int Depth)>([(root, 0)]);
            while (stack.Count > 0)
            {
                (int n, int d) = stack.Pop();
                foreach (int child in (ReadOnlySpan<int>)[forest.TrueChild[n], forest.FalseChild[n]])
                {
                    if (child >= 0)
                    {
                        stack.Push((child, d + 1));
                    }
                    else
                    {
                        leaves++;
                        total += d + 1;
                    }
                }
            }

            return (double)total / leaves;
        }

        // Longest path below a node, memoized (the forest is acyclic, checked when the kernel was built).
        private static int Depth(TreeForest forest, int node, int[] depths)
        {
            if (node < 0) return 0;
            if (depths[node] > 0) return depths[node];
            var stack = new Stack<int>();
            stack.Push(node);
            while (stack.Count > 0)
            {
                int n = stack.Peek();
                int t = forest.TrueChild[n], f = forest.FalseChild[n];
                bool ready = true;
                foreach (int child in (ReadOnlySpan<int>)[t, f])
                {
                    if (child >= 0 && depths[child] == 0)
                    {
                        stack.Push(child);
                        ready = false;
                    }
                }

                if (!ready) continue;
                stack.Pop();
                depths[n] = 1 + Math.Max(t >= 0 ? depths[t] : 0, f >= 0 ? depths[f] : 0);
            }

            return depths[node];
        }
    }

    /// <summary>Rows [from, to) through every tree: four rows per tree walk together, then the rows left over.</summary>
    private void ScoreLanes<TSplit, TIn>(Lanes<TSplit> lanes, TIn[] x, int from, int to, int columns, double[] scores, bool[] touched, CancellationToken cancellationToken)
        where TSplit : unmanaged, IFloatingPointIeee754<TSplit>
        where TIn : unmanaged, INumberBase<TIn>
    {
        LaneNode<TSplit>[] nodes = lanes.Nodes;
        int first = lanes.FirstLeaf;
        // From eight trees on, a row walking eight trees at a time beats four rows walking one tree (measured): the
        // row's copy of its features pays for itself, and the forest's compact nodes stay in cache from row to row.
        if (lanes.Row.Usable && (to - from < 4 || lanes.Roots.Length >= RowLanes))
        {
            for (int r = from; r < to; r++)
            {
                if ((r & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
                ScoreRowByWalk(lanes.Row, lanes, x, r, columns, scores, touched);
            }

            return;
        }

        for (int t = 0; t < lanes.Roots.Length; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int root = lanes.Roots[t], depth = lanes.Depths[t];
            int r = from;
            if (!lanes.Even[t])
            {
                for (; r < to; r++) AddLane(lanes, Walk(nodes, root, first, x, r * columns), r, scores, touched);
                continue;
            }

            for (; r + 4 <= to; r += 4)
            {
                int o = r * columns;
                int n0 = root, n1 = root, n2 = root, n3 = root;
                for (int d = 0; d < depth; d++)
                {
                    n0 = Step(nodes, n0, x, o);
                    n1 = Step(nodes, n1, x, o + columns);
                    n2 = Step(nodes, n2, x, o + (2 * columns));
                    n3 = Step(nodes, n3, x, o + (3 * columns));
                    if (Math.Min(Math.Min(n0, n1), Math.Min(n2, n3)) >= first) break;
                }

                AddLane(lanes, n0, r, scores, touched);
                AddLane(lanes, n1, r + 1, scores, touched);
                AddLane(lanes, n2, r + 2, scores, touched);
                AddLane(lanes, n3, r + 3, scores, touched);
            }

            for (; r < to; r++)
            {
                int n = root;
                for (int d = 0; d < depth && n < first; d++) n = Step(nodes, n, x, r * columns);
                AddLane(lanes, n, r, scores, touched);
            }
        }
    }

    // The leaf reached by lane node `node` added to the row's scores, as AddLeaf does.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddLane<TSplit>(Lanes<TSplit> lanes, int node, int row, double[] scores, bool[] touched)
        where TSplit : unmanaged, IFloatingPointIeee754<TSplit>
    {
        int leaf = node - lanes.FirstLeaf;
        if (lanes.SingleWeights is { } weights)
        {
            int target = (row * TargetCount) + lanes.SingleTargets![leaf];
            scores[target] += weights[leaf];
            touched[target] = true;
        }
        else
        {
            AddLeaf(leaf, row, scores, touched);
        }
    }

    // One walk to its leaf, for uneven trees. The child is chosen with a conditional, which the JIT may make a branch:
    // on uneven trees that measured faster than selecting by index, as the predictor learns the common paths.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Walk<TSplit, TIn>(LaneNode<TSplit>[] nodes, int node, int first, TIn[] x, int offset)
        where TSplit : unmanaged, IFloatingPointIeee754<TSplit>
        where TIn : unmanaged, INumberBase<TIn>
    {
        while (node < first)
        {
            ref LaneNode<TSplit> n = ref nodes[node];
            TSplit v = TSplit.CreateTruncating(x[offset + (n.Feature & int.MaxValue)]);
            bool goTrue = (v <= n.Split) | (TSplit.IsNaN(v) & (n.Feature < 0));
            node = goTrue ? n.True : n.False;
        }

        return node;
    }

    // True when x ≤ split, or when x is missing and the node sends missing values that way; the child is picked by
    // index. Float input widens exactly to double splits, so the comparison is the one a double input would make.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step<TSplit, TIn>(LaneNode<TSplit>[] nodes, int node, TIn[] x, int offset)
        where TSplit : unmanaged, IFloatingPointIeee754<TSplit>
        where TIn : unmanaged, INumberBase<TIn>
    {
        ref LaneNode<TSplit> n = ref nodes[node];
        TSplit v = TSplit.CreateTruncating(x[offset + (n.Feature & int.MaxValue)]);
        bool goTrue = (v <= n.Split) | (TSplit.IsNaN(v) & (n.Feature < 0));
        return Unsafe.Add(ref n.True, Unsafe.BitCast<bool, byte>(!goTrue));
    }
}
