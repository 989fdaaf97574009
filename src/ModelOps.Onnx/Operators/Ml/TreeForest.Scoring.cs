using System.Numerics;
using System.Runtime.CompilerServices;

namespace ModelOps.Onnx.Operators.Ml;

/// <summary>
/// Scoring: tree by tree over the rows (a tree's nodes stay in cache while every row walks it), and large batches
/// split their rows into contiguous ranges over up to the session's degree of parallelism. Each row still sums its
/// leaves in tree order however the rows are split, so the result is bit-identical to one thread.
/// </summary>
internal sealed partial class TreeForest
{
    /// <summary>Below this many rows a batch runs on the calling thread (a pool hop costs more than it saves).</summary>
    public const int ParallelRows = 1024;

    private Layout? _layout;

    /// <summary>Any branch mode, for the general walk.</summary>
    private struct FlatNode
    {
        public double Split;
        public int Feature;
        public int True;
        public int False;
        public BranchMode Mode;
        public bool MissingTrue;
    }

    /// <summary>
    /// The node arrays built once. When every split is BRANCH_LEQ (missing values either way) the walk is one compare
    /// and a select per level, no mode dispatch: over float splits when each split is a float, else over doubles.
    /// </summary>
    private sealed class Layout(TreeForest forest)
    {
        public Lanes<float>? Floats { get; } = forest.Modes.All(m => m == BranchMode.Leq) && forest.Splits.All(v => (double)(float)v == v || double.IsNaN(v))
            ? new Lanes<float>(forest)
            : null;

        public Lanes<double>? Doubles { get; } = forest.Modes.All(m => m == BranchMode.Leq) ? new Lanes<double>(forest) : null;

        public FlatNode[] General { get; } = Enumerable.Range(0, forest.Features.Length).Select(i => new FlatNode
        {
            Split = forest.Splits[i],
            Feature = forest.Features[i],
            True = forest.TrueChild[i],
            False = forest.FalseChild[i],
            Mode = forest.Modes[i],
            MissingTrue = forest.MissingGoesTrue[i],
        }).ToArray();
    }

    private Layout Nodes => _layout ??= new Layout(this);

    /// <summary>
    /// Scores <paramref name="rows"/> rows of the row-major [rows, columns] input into <paramref name="scores"/>
    /// ([rows, targets], aggregated and with base values), on up to <paramref name="parallelism"/> threads.
    /// </summary>
    public void ScoreBatch(Tensor x, int rows, int columns, double[] scores, bool[] touched, int parallelism, CancellationToken cancellationToken)
    {
        int t = TargetCount;
        Array.Clear(scores, 0, rows * t);
        Array.Clear(touched, 0, rows * t);
        Array data = x.ElementType switch
        {
            TensorElementType.Float or TensorElementType.Double => x.Data,
            _ => FeatureMatrix.ToDoubles(x, rows, columns),
        };

        int chunks = parallelism > 1 && rows >= ParallelRows ? Math.Min(parallelism, rows / (ParallelRows / 2)) : 1;
        if (chunks <= 1)
        {
            ScoreRows(data, 0, rows, columns, scores, touched, cancellationToken);
        }
        else
        {
            ScoreInParallel(data, rows, columns, scores, touched, chunks, cancellationToken);
        }

        Finish(rows, scores);
    }

    // Its own method: the lambda's closure would otherwise be allocated on every call, single rows included.
    private void ScoreInParallel(Array data, int rows, int columns, double[] scores, bool[] touched, int chunks, CancellationToken cancellationToken)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = chunks, CancellationToken = cancellationToken };
        Parallel.For(0, chunks, options, c =>
        {
            int from = (int)((long)rows * c / chunks), to = (int)((long)rows * (c + 1) / chunks);
            ScoreRows(data, from, to, columns, scores, touched, cancellationToken);
        });
    }

    private void ScoreRows(Array data, int from, int to, int columns, double[] scores, bool[] touched, CancellationToken cancellationToken)
    {
        Layout layout = Nodes;
        switch (data)
        {
            case float[] f when layout.Floats is { } lanes:
                ScoreLanes(lanes, f, from, to, columns, scores, touched, cancellationToken);
                break;
            case float[] f when layout.Doubles is { } lanes:
                ScoreLanes(lanes, f, from, to, columns, scores, touched, cancellationToken);
                break;
            case double[] d when layout.Doubles is { } lanes:
                ScoreLanes(lanes, d, from, to, columns, scores, touched, cancellationToken);
                break;
            case float[] f:
                ScoreRows(new GeneralWalk<float>(this, layout.General, f), from, to, columns, scores, touched, cancellationToken);
                break;
            default:
                ScoreRows(new GeneralWalk<double>(this, layout.General, (double[])data), from, to, columns, scores, touched, cancellationToken);
                break;
        }
    }

    // Specialized per walk (a struct type argument), so the inner loop calls no delegate and tests no type.
    private void ScoreRows<TWalk>(TWalk walk, int from, int to, int columns, double[] scores, bool[] touched, CancellationToken cancellationToken)
        where TWalk : struct, ITreeWalk
    {
        foreach (int root in Roots)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int r = from; r < to; r++)
            {
                AddLeaf(walk.Leaf(root, r * columns), r, scores, touched);
            }
        }
    }

    private interface ITreeWalk
    {
        /// <summary>The leaf a row (starting at <paramref name="offset"/>) reaches from <paramref name="root"/>.</summary>
        int Leaf(int root, int offset);
    }

    private readonly struct GeneralWalk<T>(TreeForest forest, FlatNode[] nodes, T[] x) : ITreeWalk
        where T : unmanaged, INumberBase<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Leaf(int root, int offset) => forest.WalkAny(nodes, root, x, offset);
    }

    private int WalkAny<T>(FlatNode[] nodes, int node, T[] x, int offset)
        where T : unmanaged, INumberBase<T>
    {
        while (node >= 0)
        {
            ref FlatNode n = ref nodes[node];
            double v = double.CreateTruncating(x[offset + n.Feature]);
            bool goTrue = n.Mode == BranchMode.Leq
                ? v <= n.Split || (double.IsNaN(v) && n.MissingTrue)
                : Branch(ref n, v, node);
            node = goTrue ? n.True : n.False;
        }

        return ~node;
    }

    private void AddLeaf(int leaf, int row, double[] scores, bool[] touched)
    {
        int baseIndex = row * TargetCount;
        for (int k = LeafStart[leaf]; k < LeafStart[leaf + 1]; k++)
        {
            int target = baseIndex + LeafTargets[k];
            double w = LeafWeights[k];
            scores[target] = Aggregate switch
            {
                Aggregate.Min => touched[target] ? Math.Min(scores[target], w) : w,
                Aggregate.Max => touched[target] ? Math.Max(scores[target], w) : w,
                _ => scores[target] + w,
            };
            touched[target] = true;
        }
    }

    private void Finish(int rows, double[] scores)
    {
        int t = TargetCount;
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < t; k++)
            {
                int i = (r * t) + k;
                if (Aggregate == Aggregate.Average)
                {
                    scores[i] /= Roots.Length;
                }

                scores[i] += k < BaseValues.Length ? BaseValues[k] : 0;
            }
        }
    }
}
