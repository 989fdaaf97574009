using System.Text.Json;
using ModelOps.Learning.Evaluation;

namespace ModelOps.Learning.Tests.Evaluation;

/// <summary>Given the oracle's predictions, our metrics equal scikit-learn's and SciPy's to 1e-9 relative.</summary>
public sealed class BinaryClassificationReportTests
{
    private static readonly Lazy<TelcoOracle> Oracle = new(TelcoOracle.Load);

    private static void ShouldMatch(double actual, double expected, string what) =>
        actual.Should().BeApproximately(expected, Math.Abs(expected) * 1e-9, what);

    [Theory]
    [InlineData("test")]
    [InlineData("train")]
    public void Metrics_on_the_oracle_predictions_equal_the_oracle(string split)
    {
        TelcoOracle oracle = Oracle.Value;
        double[] p = oracle.LogisticProbabilities();
        int n = oracle.TrainRows;
        (double[] probabilities, bool[] outcomes) = split == "test"
            ? (p[n..], oracle.Churn[n..])
            : (p[..n], oracle.Churn[..n]);
        JsonElement expected = oracle.Expected.GetProperty("logistic_regression_elasticnet").GetProperty(split);

        BinaryClassificationReport report = BinaryClassificationReport.Evaluate(probabilities, outcomes);

        ShouldMatch(report.Auroc, expected.GetProperty("auroc").GetDouble(), "AUROC");
        ShouldMatch(report.Gini, expected.GetProperty("gini").GetDouble(), "Gini");
        ShouldMatch(report.LogLoss, expected.GetProperty("log_loss").GetDouble(), "log-loss");
        ShouldMatch(report.Brier, expected.GetProperty("brier").GetDouble(), "Brier");
        ShouldMatch(report.KsSeparation, expected.GetProperty("ks_score_separation").GetDouble(), "KS");
        ShouldMatch(report.LiftTop10Percent, expected.GetProperty("lift_top10pct").GetDouble(), "lift");
        report.LiftTop10PercentRows.Should().Be(expected.GetProperty("lift_top10pct_k").GetInt32());
        ShouldMatch(report.MeanPredicted, expected.GetProperty("mean_predicted").GetDouble(), "mean predicted");
        ShouldMatch(report.ObservedRate, expected.GetProperty("observed_rate").GetDouble(), "observed rate");
    }

    [Fact]
    public void Aic_and_bic_on_the_train_likelihood_equal_the_oracle()
    {
        TelcoOracle oracle = Oracle.Value;
        double[] p = oracle.LogisticProbabilities();
        int n = oracle.TrainRows;
        JsonElement expected = oracle.Expected.GetProperty("logistic_regression_elasticnet").GetProperty("train_information_criteria");

        double logLikelihood = InformationCriteria.BernoulliLogLikelihood(p[..n], oracle.Churn[..n]);
        var criteria = new InformationCriteria(logLikelihood, expected.GetProperty("k").GetInt32(), n);

        ShouldMatch(logLikelihood, expected.GetProperty("log_likelihood").GetDouble(), "log-likelihood");
        ShouldMatch(criteria.Aic, expected.GetProperty("aic").GetDouble(), "AIC");
        ShouldMatch(criteria.Bic, expected.GetProperty("bic").GetDouble(), "BIC");
    }

    [Fact]
    public void The_reconstructed_predictions_are_the_oracle_predictions()
    {
        TelcoOracle oracle = Oracle.Value;
        double[] p = oracle.LogisticProbabilities();
        double[] first5 = oracle.Expected.GetProperty("logistic_regression_elasticnet").GetProperty("test_proba_first5").EnumerateArray().Select(e => e.GetDouble()).ToArray();

        p[oracle.TrainRows..(oracle.TrainRows + 5)].Should().Equal(first5, (a, b) => Math.Abs(a - b) <= 1e-12);
    }

    [Fact]
    public void Tables_are_consistent_with_the_headline_numbers()
    {
        double[] p = [0.9, 0.8, 0.8, 0.3, 0.2, 0.1, 0.6, 0.4, 0.7, 0.05];
        bool[] y = [true, true, false, false, false, false, true, false, true, false];

        BinaryClassificationReport report = BinaryClassificationReport.Evaluate(p, y);

        report.Confusion.Should().Be(new ConfusionMatrix(4, 1, 5, 0));
        report.Deciles.Should().HaveCount(10);
        report.Deciles[^1].CumulativeGain.Should().Be(1);
        report.Roc[^1].Should().Be(new RocPoint(0.05, 1, 1));
        report.Calibration.Sum(b => b.Rows).Should().Be(10);
        // scikit-learn: roc_auc_score gives 21.5 / 24 here (the tied 0.8 pair counts one half).
        report.Auroc.Should().BeApproximately(21.5 / 24, 1e-15);
    }

    [Fact]
    public void Single_class_outcomes_and_bad_probabilities_are_refused()
    {
        Action single = () => BinaryClassificationReport.Evaluate([0.2, 0.3], [true, true]);
        Action outside = () => BinaryClassificationReport.Evaluate([0.2, 1.3], [true, false]);
        Action mismatch = () => BinaryClassificationReport.Evaluate([0.2], [true, false]);

        single.Should().Throw<ArgumentException>().WithMessage("*Both outcomes*");
        outside.Should().Throw<ArgumentException>().WithMessage("*1.3*");
        mismatch.Should().Throw<ArgumentException>();
    }
}
