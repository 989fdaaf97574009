using System.Text.Json;
using ModelOps.Learning.Evaluation;
using ModelOps.Learning.Tests.Evaluation;
using ModelOps.Learning.Trainers;
using Xunit.Abstractions;

namespace ModelOps.Learning.Tests.Trainers;

/// <summary>The elastic-net GLM on the Telco data reaches scikit-learn's converged penalised optimum.</summary>
public sealed class ElasticNetLogisticRegressionTests(ITestOutputHelper output)
{
    private static readonly Lazy<TelcoOracle> Oracle = new(TelcoOracle.Load);

    private static double[][] Standardized(TelcoOracle oracle)
    {
        JsonElement f = oracle.Expected.GetProperty("features");
        double[] mean = f.GetProperty("standardizer_mean").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double[] scale = f.GetProperty("standardizer_scale").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        return oracle.Features.Select(x => x.Select((v, j) => (v - mean[j]) / scale[j]).ToArray()).ToArray();
    }

    [Fact]
    public void Telco_fit_reaches_the_converged_objective_and_the_oracle_auroc()
    {
        TelcoOracle oracle = Oracle.Value;
        double[][] x = Standardized(oracle);
        int n = oracle.TrainRows;
        JsonElement converged = oracle.Expected.GetProperty("logistic_regression_elasticnet_converged");

        LogisticModel model = ElasticNetLogisticRegression.Fit(x[..n], oracle.Churn[..n], new ElasticNetOptions(C: 1.0, L1Ratio: 0.5));
        double[] test = x[n..].Select(row => model.Probability(row)).ToArray();
        BinaryClassificationReport report = BinaryClassificationReport.Evaluate(test, oracle.Churn[n..]);

        double target = converged.GetProperty("objective_at_fit").GetDouble();
        output.WriteLine($"objective {model.Objective:R} vs converged {target:R} (relative gap {(model.Objective - target) / target:E2}); test AUROC {report.Auroc:R}; {model.Iterations} Newton steps; {model.Coefficients.Count(c => c != 0)} non-zero");
        model.Objective.Should().BeLessThanOrEqualTo(target * (1 + 1e-6), "the penalised optimum is {0}", target);
        model.Objective.Should().BeGreaterThanOrEqualTo(target * (1 - 1e-6));
        report.Auroc.Should().BeGreaterThanOrEqualTo(0.8399741617900875 - 0.005);
        model.Coefficients.Count(c => c != 0).Should().BeInRange(30, 36);
    }

    [Fact]
    public void A_single_class_target_is_refused()
    {
        Action fit = () => ElasticNetLogisticRegression.Fit([[1.0], [2.0]], [true, true]);

        fit.Should().Throw<ArgumentException>().WithMessage("*single class*");
    }
}
