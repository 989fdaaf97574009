using ModelOps.Learning.Explanations;
using ModelOps.Learning.Tests.Trainers;
using ModelOps.Learning.Trainers;

namespace ModelOps.Learning.Tests.Explanations;

/// <summary>TreeSHAP adds up to the raw score and equals brute-force Shapley values of the cover-weighted tree game.</summary>
public sealed class TreeShapTests
{
    [Fact]
    public void Telco_contributions_plus_base_value_equal_the_raw_score()
    {
        GradientBoostedModel model = HistogramGradientBoostingTests.FitTelco(out double[][] test, out _);
        double baseValue = TreeShap.BaseValue(model);

        foreach (double[] row in test.Take(200))
        {
            double[] phi = TreeShap.Contributions(model, row);
            (baseValue + phi.Sum()).Should().BeApproximately(model.RawScore(row), 1e-9);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Small_trees_match_brute_force_shapley_values(int seed)
    {
        var random = new Random(seed);
        double[][] x = Enumerable.Range(0, 300).Select(_ => Enumerable.Range(0, 4).Select(_ => Math.Round(random.NextDouble() * 10)).ToArray()).ToArray();
        double[] y = x.Select(r => (r[0] > 5 && r[1] < 4) || r[2] > 8 ? 1.0 : 0.0).ToArray();
        GradientBoostedModel model = HistogramGradientBoosting.Fit(x, y, new GradientBoostingOptions(Iterations: 3, MaxLeafNodes: 8, MinSamplesLeaf: 5));

        foreach (double[] row in x.Take(20))
        {
            double[] phi = TreeShap.Contributions(model, row);
            double[] brute = BruteForce(model, row);
            for (int j = 0; j < phi.Length; j++)
            {
                phi[j].Should().BeApproximately(brute[j], 1e-12);
            }
        }
    }

    private static double[] BruteForce(GradientBoostedModel model, double[] x)
    {
        int p = model.FeatureCount;
        double Value(int set) => model.Baseline + model.Trees.Sum(t => Conditional(t, 0, x, set));
        var phi = new double[p];
        for (int j = 0; j < p; j++)
        {
            for (int set = 0; set < 1 << p; set++)
            {
                if ((set & (1 << j)) != 0) continue;
                int size = System.Numerics.BitOperations.PopCount((uint)set);
                double weight = Factorial(size) * Factorial(p - size - 1) / Factorial(p);
                phi[j] += weight * (Value(set | (1 << j)) - Value(set));
            }
        }

        return phi;
    }

    private static double Conditional(RegressionTree tree, int node, double[] x, int set)
    {
        if (tree.IsLeaf(node)) return tree.Value[node];
        int f = tree.Feature[node];
        int l = tree.Left[node], r = tree.Right[node];
        if ((set & (1 << f)) != 0) return Conditional(tree, x[f] <= tree.Threshold[node] ? l : r, x, set);
        return ((tree.Cover[l] * Conditional(tree, l, x, set)) + (tree.Cover[r] * Conditional(tree, r, x, set))) / tree.Cover[node];
    }

    private static double Factorial(int k) => k <= 1 ? 1 : k * Factorial(k - 1);
}
