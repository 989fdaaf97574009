using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelOps.Learning.Evaluation;

namespace ModelOps.Learning.Tests.Evaluation;

public sealed class DeLongTestTests
{
    [Theory]
    [InlineData(400, 0.8, 11)]
    [InlineData(1500, 0.3, 12)]
    [InlineData(60, 1.5, 13)]
    public void Compare_matches_the_definition_computed_with_numpy_and_scipy(int rows, double signal, int seed)
    {
        (double[] a, double[] b, bool[] y) = CorrelatedScores(rows, signal, seed);

        AurocComparison ours = DeLongTest.Compare(a, b, y);
        JsonElement oracle = RunOracle(a, b, y);

        ours.AurocA.Should().BeApproximately(oracle.GetProperty("auc_a").GetDouble(), 1e-12);
        ours.AurocB.Should().BeApproximately(oracle.GetProperty("auc_b").GetDouble(), 1e-12);
        ours.Variance.Should().BeApproximately(oracle.GetProperty("variance").GetDouble(), 1e-12);
        ours.Z.Should().BeApproximately(oracle.GetProperty("z").GetDouble(), 1e-8);
        ours.PValue.Should().BeApproximately(oracle.GetProperty("p").GetDouble(), 1e-9);
    }

    [Fact]
    public void Compare_agrees_with_the_reports_auroc()
    {
        (double[] a, double[] b, bool[] y) = CorrelatedScores(500, 1.0, 5);

        double[] pa = a.Select(Logistic).ToArray(), pb = b.Select(Logistic).ToArray(); // monotone: same ranks, so the same AUROC

        AurocComparison result = DeLongTest.Compare(pa, pb, y);

        result.AurocA.Should().BeApproximately(BinaryClassificationReport.Evaluate(pa, y).Auroc, 1e-12);
        result.AurocB.Should().BeApproximately(BinaryClassificationReport.Evaluate(pb, y).Auroc, 1e-12);
    }

    [Fact]
    public void Compare_finds_no_difference_between_a_model_and_itself()
    {
        (double[] a, _, bool[] y) = CorrelatedScores(200, 1.0, 7);

        AurocComparison result = DeLongTest.Compare(a, a, y);

        result.Difference.Should().Be(0);
        result.PValue.Should().Be(1);
    }

    [Fact]
    public void Compare_refuses_scores_for_different_rows()
    {
        Action act = () => DeLongTest.Compare([0.1, 0.9, 0.5], [0.2, 0.8], [false, true, true]);

        act.Should().Throw<ArgumentException>().WithMessage("*same rows*");
    }

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Two scores sharing a latent signal (so their ROC curves are correlated), rounded to force ties.</summary>
    private static (double[] A, double[] B, bool[] Y) CorrelatedScores(int rows, double signal, int seed)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var a = new double[rows];
        var b = new double[rows];
        var y = new bool[rows];
        for (int i = 0; i < rows; i++)
        {
            y[i] = random.NextDouble() < 0.35;
            double shared = Gaussian() + (y[i] ? signal : 0);
            a[i] = Math.Round(shared + (0.5 * Gaussian()), 1);
            b[i] = Math.Round(shared + (0.9 * Gaussian()) + (y[i] ? 0.2 : 0), 1);
        }

        return (a, b, y);
    }

    private static JsonElement RunOracle(double[] a, double[] b, bool[] y)
    {
        string csv = Path.Combine(Directory.CreateTempSubdirectory("delong-").FullName, "scores.csv");
        var text = new StringBuilder();
        for (int i = 0; i < y.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(y[i] ? 1 : 0)},{a[i]:R},{b[i]:R}\n");
        }

        File.WriteAllText(csv, text.ToString());
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "oracle", "delong_oracle.py"));
        info.ArgumentList.Add(csv);
        using Process process = Process.Start(info)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, stderr.Result);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }
}
