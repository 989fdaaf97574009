using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelOps.Onnx.Operators.Ml;

/// <summary>
/// The BRANCH_LEQ walk of one row through every tree, eight trees at a time, over nodes laid out for it: each tree's
/// nodes breadth-first with the two children of a node side by side, so a node holds its split, its feature and one
/// child index (the false child is the next node), and a step is one compare and an add. Trees walk in groups of
/// similar depth; each tree's leaf is kept and the leaves are added in tree order afterwards, so the sum is the one
/// every other walk makes.
/// </summary>
internal sealed partial class TreeForest
{
    /// <summary>Trees stepped together for a single row: independent walks overlap their memory reads.</summary>
    private const int RowLanes = 8;

    /// <summary>
    /// A node of the row walk, eight bytes over float splits: its split, the row value it compares (<see cref="Slot"/>
    /// 2·feature, or 2·feature + 1 to read the copy in which a missing value is −∞, so it goes to the true child) and
    /// where its true child is; the false child is the node after that. A leaf has an infinite split, slot 1 (never
    /// missing) and itself as its true child, so further steps stay on it.
    /// </summary>
    private struct RowNode<TSplit>
        where TSplit : unmanaged
    {
        public TSplit Split;
        public ushort Slot;

        /// <summary>How far after this node its true child is (0 for a leaf).</summary>
        public ushort Next;
    }

    /// <summary>Every tree's nodes for the row walk, the order the trees walk in, and how far each group of eight steps.</summary>
    private sealed class RowWalk<TSplit>
        where TSplit : unmanaged, IFloatingPointIeee754<TSplit>
    {
        public RowWalk(TreeForest forest, int[] depths, bool[] even, int[]? singleTargets, double[]? singleWeights)
        {
            var nodes = new List<RowNode<TSplit>>();
            var leafOf = new List<int>();
            int trees = forest.Roots.Length;
            Roots = new int[trees];
            for (int t = 0; t < trees; t++)
            {
                Roots[t] = nodes.Count;
                Lay(forest, forest.Roots[t], nodes, leafOf);
            }

            Nodes = [.. nodes];
            LeafOf = [.. leafOf];
            Features = Math.Max(1, forest.MaxFeature + 1);

            // −∞ for a missing value is the true child only when the split is a number: v ≤ NaN holds for no v. Slots and
            // child distances must fit their 16 bits.
            Usable = !forest.Splits.Any(double.IsNaN) && (2 * Features) <= ushort.MaxValue && _fits;

            // One summed weight per leaf, all for one target (regressors, binary classifiers): a row's leaves add up
            // in a local, in tree order as everywhere else.
            if (singleTargets is { Length: > 0 } && singleWeights is not null && singleTargets.All(t => t == singleTargets[0]))
            {
                Target = singleTargets[0];
                NodeWeights = LeafOf.Select(l => l >= 0 ? singleWeights[l] : 0).ToArray();
            }

            // Deepest trees first, so each group of eight steps about as far as its members need.
            Order = Enumerable.Range(0, trees).OrderByDescending(t => depths[t]).ThenBy(t => t).ToArray();
            WalkRoots = Order.Select(t => Roots[t]).ToArray();
            Steps = Enumerable.Range(0, (trees + RowLanes - 1) / RowLanes).Select(g => depths[Order[g * RowLanes]]).ToArray();
            Uneven = Enumerable.Range(0, Steps.Length).Select(g => Order.Skip(g * RowLanes).Take(RowLanes).Any(t => !even[t])).ToArray();
        }

        /// <summary>Per group: some tree in it is uneven, so the group stops when every walk is on its leaf.</summary>
        public bool[] Uneven { get; }

        public RowNode<TSplit>[] Nodes { get; }

        /// <summary>Per node: its leaf's weight, when every leaf holds one weight for <see cref="Target"/>.</summary>
        public double[]? NodeWeights { get; }

        public int Target { get; }

        /// <summary>Features the row copies: up to the highest one any node reads, at least one.</summary>
        public int Features { get; }

        /// <summary>False when a split is NaN (then rows walk as the batch does).</summary>
        public bool Usable { get; }

        /// <summary>Per node: the forest's leaf index for a leaf, −1 for a branch.</summary>
        public int[] LeafOf { get; }

        /// <summary>Per tree: its root's node index.</summary>
        public int[] Roots { get; }

        /// <summary>Each tree's root node in walking order.</summary>
        public int[] WalkRoots { get; }

        /// <summary>The trees in walking order (by depth).</summary>
        public int[] Order { get; }

        /// <summary>Per group of eight trees in walking order: the longest path down any of them.</summary>
        public int[] Steps { get; }

        private bool _fits = true;

        // One tree breadth-first: a branch's two children take the next two free places, true first.
        private void Lay(TreeForest forest, int root, List<RowNode<TSplit>> nodes, List<int> leafOf)
        {
            var queue = new Queue<(int Child, int Place)>();
            nodes.Add(default);
            leafOf.Add(-1);
            queue.Enqueue((root, nodes.Count - 1));
            while (queue.Count > 0)
            {
                (int child, int place) = queue.Dequeue();
                if (child < 0)
                {
                    nodes[place] = new RowNode<TSplit> { Split = TSplit.PositiveInfinity, Slot = 1, Next = 0 };
                    leafOf[place] = ~child;
                    continue;
                }

                int pair = nodes.Count;
                nodes.Add(default);
                nodes.Add(default);
                leafOf.Add(-1);
                leafOf.Add(-1);
                nodes[place] = new RowNode<TSplit>
                {
                    Split = TSplit.CreateTruncating(forest.Splits[child]),
                    Slot = (ushort)((2 * forest.Features[child]) + (forest.MissingGoesTrue[child] ? 1 : 0)),
                    Next = (ushort)(pair - place),
                };
                _fits &= pair - place <= ushort.MaxValue && forest.Features[child] < ushort.MaxValue / 2;
                queue.Enqueue((forest.TrueChild[child], pair));
                queue.Enqueue((forest.FalseChild[child], pair + 1));
            }
        }
    }

    // One row through every tree, eight at a time, then its leaves added in tree order. Both stack buffers are written
    // in full before they are read, so they need no zeroing.
    [SkipLocalsInit]
    private void ScoreRowByWalk<TSplit, TIn>(RowWalk<TSplit> walk, Lanes<TSplit> lanes, TIn[] x, int row, int columns, double[] scores, bool[] touched)
        where TSplit : unmanaged, IFloatingPointIeee754<TSplit>
        where TIn : unmanaged, INumberBase<TIn>
    {
        // The row's features twice over, converted once: as given, and with a missing value as −∞, which every split
        // sends to the true child. A node that sends missing values that way reads the second copy.
        int features = walk.Features, o = row * columns;
        Span<TSplit> values = features <= 256 ? stackalloc TSplit[2 * features] : new TSplit[2 * features];
        for (int f = 0; f < features; f++)
        {
            TSplit v = f < columns ? TSplit.CreateTruncating(x[o + f]) : TSplit.Zero;
            values[2 * f] = v;
            values[(2 * f) + 1] = TSplit.IsNaN(v) ? TSplit.NegativeInfinity : v;
        }

        int[] order = walk.Order, roots = walk.WalkRoots, steps = walk.Steps;
        bool[] uneven = walk.Uneven;
        int trees = order.Length;
        Span<int> reached = trees <= 512 ? stackalloc int[trees] : new int[trees];
        ref RowNode<TSplit> nodes = ref MemoryMarshal.GetArrayDataReference(walk.Nodes);
        ref TSplit v0 = ref MemoryMarshal.GetReference(values);
        int g = 0, p = 0;
        for (; p + RowLanes <= trees; p += RowLanes, g++)
        {
            int n0 = roots[p], n1 = roots[p + 1], n2 = roots[p + 2], n3 = roots[p + 3];
            int n4 = roots[p + 4], n5 = roots[p + 5], n6 = roots[p + 6], n7 = roots[p + 7];
            for (int d = steps[g]; d > 0; d--)
            {
                n0 = RowStep(ref nodes, n0, ref v0);
                n1 = RowStep(ref nodes, n1, ref v0);
                n2 = RowStep(ref nodes, n2, ref v0);
                n3 = RowStep(ref nodes, n3, ref v0);
                n4 = RowStep(ref nodes, n4, ref v0);
                n5 = RowStep(ref nodes, n5, ref v0);
                n6 = RowStep(ref nodes, n6, ref v0);
                n7 = RowStep(ref nodes, n7, ref v0);

                // Uneven trees: most walks end well above the longest path. Every other level, stop once all eight sit on
                // their leaves; once four of them do, the other four go on alone. (Checking costs a load per walk; a walk
                // already on its leaf stays there, so a level stepped past the end changes nothing.)
                if (!uneven[g] || (d & 1) != 0) continue;
                bool low = IsLeaf(ref nodes, n0) & IsLeaf(ref nodes, n1) & IsLeaf(ref nodes, n2) & IsLeaf(ref nodes, n3);
                bool high = IsLeaf(ref nodes, n4) & IsLeaf(ref nodes, n5) & IsLeaf(ref nodes, n6) & IsLeaf(ref nodes, n7);
                if (low)
                {
                    for (d--; d > 0 && !high; d--)
                    {
                        n4 = RowStep(ref nodes, n4, ref v0);
                        n5 = RowStep(ref nodes, n5, ref v0);
                        n6 = RowStep(ref nodes, n6, ref v0);
                        n7 = RowStep(ref nodes, n7, ref v0);
                        high = IsLeaf(ref nodes, n4) & IsLeaf(ref nodes, n5) & IsLeaf(ref nodes, n6) & IsLeaf(ref nodes, n7);
                    }

                    break;
                }

                if (high)
                {
                    for (d--; d > 0 && !low; d--)
                    {
                        n0 = RowStep(ref nodes, n0, ref v0);
                        n1 = RowStep(ref nodes, n1, ref v0);
                        n2 = RowStep(ref nodes, n2, ref v0);
                        n3 = RowStep(ref nodes, n3, ref v0);
                        low = IsLeaf(ref nodes, n0) & IsLeaf(ref nodes, n1) & IsLeaf(ref nodes, n2) & IsLeaf(ref nodes, n3);
                    }

                    break;
                }
            }

            reached[order[p]] = n0;
            reached[order[p + 1]] = n1;
            reached[order[p + 2]] = n2;
            reached[order[p + 3]] = n3;
            reached[order[p + 4]] = n4;
            reached[order[p + 5]] = n5;
            reached[order[p + 6]] = n6;
            reached[order[p + 7]] = n7;
        }

        for (; p < trees; p++)
        {
            int n = roots[p];
            for (int d = steps[g]; d > 0; d--) n = RowStep(ref nodes, n, ref v0);
            reached[order[p]] = n;
        }

        if (walk.NodeWeights is { } weights)
        {
            double sum = 0;
            ref double weight = ref MemoryMarshal.GetArrayDataReference(weights);
            for (int t = 0; t < trees; t++) sum += Unsafe.Add(ref weight, reached[t]); // reached nodes are valid indices
            int target = (row * TargetCount) + walk.Target;
            scores[target] += sum;
            touched[target] |= trees > 0;
            return;
        }

        int[] leafOf = walk.LeafOf;
        for (int t = 0; t < trees; t++) AddLane(lanes, lanes.FirstLeaf + leafOf[reached[t]], row, scores, touched);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsLeaf<TSplit>(ref RowNode<TSplit> nodes, int node)
        where TSplit : unmanaged => Unsafe.Add(ref nodes, node).Next == 0;

    // The true child when the value is at most the split, else the next node. Node and value indices are valid by
    // construction (every slot is below twice the feature count the row was copied for), so no bounds are checked.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RowStep<TSplit>(ref RowNode<TSplit> nodes, int node, ref TSplit values)
        where TSplit : unmanaged, IFloatingPointIeee754<TSplit>
    {
        ref RowNode<TSplit> n = ref Unsafe.Add(ref nodes, node);
        return node + n.Next + Unsafe.BitCast<bool, byte>(!(Unsafe.Add(ref values, n.Slot) <= n.Split));
    }
}
