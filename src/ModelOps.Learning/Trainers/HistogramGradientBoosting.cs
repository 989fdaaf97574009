namespace ModelOps.Learning.Trainers;

/// <summary>Settings of the histogram gradient-boosted trees (names and defaults as scikit-learn's HistGradientBoosting).</summary>
public sealed record GradientBoostingOptions(
    BoostingLoss Loss = BoostingLoss.BinaryLogLoss,
    int Iterations = 100,
    double LearningRate = 0.1,
    int MaxLeafNodes = 31,
    int MaxDepth = 0,
    int MinSamplesLeaf = 20,
    double L2 = 0,
    int MaxBins = 255,
    double ValidationFraction = 0,
    int NoImprovementRounds = 10,
    int Seed = 0)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Iterations < 1) throw new ArgumentException("iterations must be at least 1", nameof(Iterations));
        if (!(LearningRate > 0)) throw new ArgumentException("learning_rate must be positive", nameof(LearningRate));
        if (MaxLeafNodes < 2) throw new ArgumentException("max_leaf_nodes must be at least 2", nameof(MaxLeafNodes));
        if (MaxDepth < 0) throw new ArgumentException("max_depth must be 0 (unlimited) or positive", nameof(MaxDepth));
        if (MinSamplesLeaf < 1) throw new ArgumentException("min_samples_leaf must be at least 1", nameof(MinSamplesLeaf));
        if (L2 < 0) throw new ArgumentException("l2_regularization must not be negative", nameof(L2));
        if (MaxBins is < 2 or > 255) throw new ArgumentException("max_bins must be in [2, 255]", nameof(MaxBins));
        if (ValidationFraction is < 0 or >= 1) throw new ArgumentException("validation_fraction must be in [0, 1)", nameof(ValidationFraction));
    }
}

/// <summary>
/// Gradient-boosted trees on binned features, grown best-first (leaf-wise) as LightGBM and scikit-learn's
/// HistGradientBoosting do: per node a gradient/hessian histogram, the smaller child built and the larger one
/// obtained by subtraction, split gain G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ).
/// </summary>
public static class HistogramGradientBoosting
{

    /// <summary>Fits the ensemble. <paramref name="y"/> is 0/1 for log-loss, any real for squared error.</summary>
    public static GradientBoostedModel Fit(double[][] x, double[] y, GradientBoostingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        options ??= new GradientBoostingOptions();
        options.Validate();
        if (x.Length == 0) throw new ArgumentException("the training data has no rows", nameof(x));
        if (x.Length != y.Length) throw new ArgumentException("x and y have different row counts", nameof(y));
        int p = x[0].Length;

        int[] trainRows = Enumerable.Range(0, x.Length).ToArray();
        int[] validRows = [];
        if (options.ValidationFraction > 0)
        {
            new Random(options.Seed).Shuffle(trainRows);
            int nValid = (int)Math.Ceiling(options.ValidationFraction * x.Length);
            validRows = trainRows[..nValid];
            trainRows = trainRows[nValid..];
            Array.Sort(trainRows);
        }

        int n = trainRows.Length;
        bool binary = options.Loss == BoostingLoss.BinaryLogLoss;
        double mean = trainRows.Average(r => y[r]);
        if (binary && (mean <= 0 || mean >= 1)) throw new ArgumentException("the target has a single class", nameof(y));
        double baseline = binary ? Math.Log(mean / (1 - mean)) : mean;

        var binner = FeatureBins.Fit(x, trainRows, options.MaxBins);
        byte[][] binned = binner.Transform(x, trainRows);
        var grower = new TreeGrower(binned, binner, options);

        double[] raw = new double[n];
        Array.Fill(raw, baseline);
        double[] validRaw = new double[validRows.Length];
        Array.Fill(validRaw, baseline);
        double[] target = trainRows.Select(r => y[r]).ToArray();
        double[] g = new double[n];
        double[] h = new double[n];
        var trees = new List<RegressionTree>();
        double bestLoss = double.PositiveInfinity;
        int sinceBest = 0;

        for (int it = 0; it < options.Iterations; it++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int i = 0; i < n; i++)
            {
                if (binary)
                {
                    double prob = 1 / (1 + Math.Exp(-raw[i]));
                    g[i] = prob - target[i];
                    h[i] = prob * (1 - prob);
                }
                else
                {
                    g[i] = raw[i] - target[i];
                    h[i] = 1;
                }
            }

            RegressionTree tree = grower.Grow(g, h, raw);
            trees.Add(tree);
            if (validRows.Length == 0)
            {
                continue;
            }

            double loss = 0;
            for (int i = 0; i < validRows.Length; i++)
            {
                validRaw[i] += tree.Predict(x[validRows[i]]);
                double t = y[validRows[i]];
                loss += binary ? Math.Log(1 + Math.Exp(-(t > 0.5 ? 1 : -1) * validRaw[i])) : 0.5 * (validRaw[i] - t) * (validRaw[i] - t);
            }

            if (loss < bestLoss - (1e-7 * Math.Abs(bestLoss == double.PositiveInfinity ? 0 : bestLoss)))
            {
                bestLoss = loss;
                sinceBest = 0;
            }
            else if (++sinceBest >= options.NoImprovementRounds)
            {
                break;
            }
        }

        return new GradientBoostedModel(options.Loss, baseline, trees.ToArray(), p);
    }
}
