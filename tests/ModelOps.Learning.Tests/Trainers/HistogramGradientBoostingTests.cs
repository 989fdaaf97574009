using ModelOps.Learning.Evaluation;
using ModelOps.Learning.Tests.Evaluation;
using ModelOps.Learning.Trainers;
using Xunit.Abstractions;

namespace ModelOps.Learning.Tests.Trainers;

/// <summary>The histogram gradient-boosted trees reach scikit-learn's Telco AUROC with its default settings.</summary>
public sealed class HistogramGradientBoostingTests(ITestOutputHelper output)
{
    private static readonly Lazy<TelcoOracle> Oracle = new(TelcoOracle.Load);

    internal static GradientBoostedModel FitTelco(out double[][] test, out bool[] outcomes)
    {
        TelcoOracle oracle = Oracle.Value;
        int n = oracle.TrainRows;
        double[] y = oracle.Churn[..n].Select(c => c ? 1.0 : 0.0).ToArray();
        test = oracle.Features[n..];
        outcomes = oracle.Churn[n..];
        return HistogramGradientBoosting.Fit(oracle.Features[..n], y, new GradientBoostingOptions());
    }

    [Fact]
    public void Telco_fit_with_sklearn_defaults_reaches_the_oracle_auroc()
    {
        GradientBoostedModel model = FitTelco(out double[][] test, out bool[] outcomes);
        double[] p = test.Select(row => model.Predict(row)).ToArray();

        BinaryClassificationReport report = BinaryClassificationReport.Evaluate(p, outcomes);

        output.WriteLine($"test AUROC {report.Auroc:R} (oracle 0.8346060949579746); baseline {model.Baseline:R} (oracle -1.0247110776026878)");
        report.Auroc.Should().BeGreaterThanOrEqualTo(0.8346060949579746 - 0.005);
        model.Trees.Should().HaveCount(100);
        model.Trees.Should().OnlyContain(t => t.Cover.Length <= 61);
        model.Baseline.Should().BeApproximately(-1.0247110776026878, 1e-12);
    }

    [Fact]
    public void Fits_are_deterministic_for_a_seed_with_early_stopping()
    {
        double[][] x = Enumerable.Range(0, 600).Select(i => new[] { i % 17 / 17.0, i % 5, Math.Sin(i) }).ToArray();
        var noise = new Random(3);
        double[] y = x.Select(r => noise.NextDouble() < 0.2 + (0.6 * r[0]) ? 1.0 : 0.0).ToArray();
        var options = new GradientBoostingOptions(Iterations: 300, ValidationFraction: 0.2, Seed: 7);

        GradientBoostedModel a = HistogramGradientBoosting.Fit(x, y, options);
        GradientBoostedModel b = HistogramGradientBoosting.Fit(x, y, options);

        a.Trees.Length.Should().BeLessThan(300, "early stopping ends the fit when the validation loss stops improving");
        a.Trees.Select(t => t.Value.Sum()).Should().Equal(b.Trees.Select(t => t.Value.Sum()));
    }

    [Fact]
    public void Regression_fits_a_step_function()
    {
        double[][] x = Enumerable.Range(0, 400).Select(i => new[] { i / 400.0 }).ToArray();
        double[] y = x.Select(r => r[0] < 0.5 ? 1.0 : 3.0).ToArray();

        GradientBoostedModel model = HistogramGradientBoosting.Fit(x, y, new GradientBoostingOptions(Loss: BoostingLoss.SquaredError, Iterations: 200));

        model.Predict([0.1]).Should().BeApproximately(1.0, 1e-3);
        model.Predict([0.9]).Should().BeApproximately(3.0, 1e-3);
    }

    [Fact]
    public void A_single_class_target_is_refused()
    {
        Action fit = () => HistogramGradientBoosting.Fit([[1.0], [2.0]], [1.0, 1.0]);

        fit.Should().Throw<ArgumentException>().WithMessage("*single class*");
    }
}
