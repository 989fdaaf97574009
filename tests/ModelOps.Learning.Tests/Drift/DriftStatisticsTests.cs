using System.Globalization;
using System.Text.Json;
using ModelOps.Learning.Drift;
using ModelOps.Testing;

namespace ModelOps.Learning.Tests.Drift;

/// <summary>Drift statistics on the Telco train (reference) and test (current) columns equal the oracle: 1e-9, p-values 1e-6.</summary>
public sealed class DriftStatisticsTests
{
    private static readonly Lazy<(JsonElement Drift, string[] Header, string[][] Rows, int Train)> Data = new(() =>
    {
        string root = RepositoryLayout.SharedData;
        JsonElement expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "oracles", "telco_oracle_expected.json"))).RootElement;
        string[] lines = File.ReadAllLines(Path.Combine(root, "datasets", "WA_Fn-UseC_-Telco-Customer-Churn.csv"));
        return (expected.GetProperty("drift_train_vs_test"), lines[0].Split(','), lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',').Select(c => c.Trim()).ToArray()).ToArray(),
            expected.GetProperty("dataset").GetProperty("n_train").GetInt32());
    });

    private static (T[] Reference, T[] Current) Column<T>(string name, Func<string, T> parse)
    {
        (_, string[] header, string[][] rows, int train) = Data.Value;
        int c = Array.IndexOf(header, name);
        T[] all = rows.Select(r => parse(r[c])).ToArray();
        return (all[..train], all[train..]);
    }

    private static double Number(string text) => text.Length == 0 ? 0 : double.Parse(text, CultureInfo.InvariantCulture);

    private static void Close(double actual, double expected, double relative, string what) =>
        actual.Should().BeApproximately(expected, Math.Abs(expected) * relative, what);

    [Theory]
    [InlineData("tenure")]
    [InlineData("MonthlyCharges")]
    [InlineData("TotalCharges")]
    public void Numeric_column_statistics_equal_the_oracle(string column)
    {
        (double[] reference, double[] current) = Column(column, Number);
        JsonElement expected = Data.Value.Drift.GetProperty("numeric").GetProperty(column);

        double[] edges = PopulationStability.Edges(reference);
        long[] refCounts = PopulationStability.Counts(reference, edges);
        long[] curCounts = PopulationStability.Counts(current, edges);
        double psi = PopulationStability.Index(refCounts, curCounts);
        double leftClosed = PopulationStability.Index(PopulationStability.Counts(reference, edges, rightClosed: false), PopulationStability.Counts(current, edges, rightClosed: false));
        (double ks, double pValue, bool exact) = KolmogorovSmirnov.Test(reference, current);
        double w1 = Wasserstein.Distance(reference, current);

        edges.Should().Equal(expected.GetProperty("psi_inner_edges").EnumerateArray().Select(e => e.GetDouble()), (a, b) => Math.Abs(a - b) <= Math.Abs(b) * 1e-12);
        refCounts.Should().Equal(expected.GetProperty("psi_ref_counts").EnumerateArray().Select(e => e.GetInt64()));
        curCounts.Should().Equal(expected.GetProperty("psi_cur_counts").EnumerateArray().Select(e => e.GetInt64()));
        Close(psi, expected.GetProperty("psi").GetDouble(), 1e-9, "PSI");
        Close(leftClosed, expected.GetProperty("psi_left_closed_variant").GetDouble(), 1e-9, "left-closed PSI");
        Close(ks, expected.GetProperty("ks_statistic").GetDouble(), 1e-9, "KS statistic");
        exact.Should().BeTrue();
        Close(pValue, expected.GetProperty("ks_pvalue").GetDouble(), 1e-6, "KS exact p-value");
        Close(w1, expected.GetProperty("wasserstein").GetDouble(), 1e-9, "Wasserstein");
    }

    [Theory]
    [InlineData("Contract")]
    [InlineData("PaymentMethod")]
    [InlineData("InternetService")]
    public void Categorical_column_statistics_equal_the_oracle(string column)
    {
        (string[] reference, string[] current) = Column(column, s => s);
        JsonElement expected = Data.Value.Drift.GetProperty("categorical").GetProperty(column);
        string[] categories = reference.Concat(current).Distinct().Order(StringComparer.Ordinal).ToArray();
        long[] refCounts = categories.Select(c => (long)reference.Count(v => v == c)).ToArray();
        long[] curCounts = categories.Select(c => (long)current.Count(v => v == c)).ToArray();

        (double gof, double gofP, int gofDof) = ChiSquare.GoodnessOfFit(refCounts, curCounts);
        (double contingency, double contingencyP, int contingencyDof) = ChiSquare.Homogeneity(refCounts, curCounts);
        double js = JensenShannon.Distance(refCounts.Select(c => (double)c).ToArray(), curCounts.Select(c => (double)c).ToArray(), logBase: 2);
        double psi = PopulationStability.Index(refCounts, curCounts);

        categories.Should().Equal(expected.GetProperty("categories").EnumerateArray().Select(e => e.GetString()));
        Close(gof, expected.GetProperty("chi2_gof_statistic").GetDouble(), 1e-9, "GOF statistic");
        Close(gofP, expected.GetProperty("chi2_gof_pvalue").GetDouble(), 1e-6, "GOF p-value");
        gofDof.Should().Be(expected.GetProperty("chi2_gof_dof").GetInt32());
        Close(contingency, expected.GetProperty("chi2_contingency_statistic").GetDouble(), 1e-9, "contingency statistic");
        Close(contingencyP, expected.GetProperty("chi2_contingency_pvalue").GetDouble(), 1e-6, "contingency p-value");
        contingencyDof.Should().Be(expected.GetProperty("chi2_contingency_dof").GetInt32());
        Close(js, expected.GetProperty("js_distance_base2").GetDouble(), 1e-9, "Jensen–Shannon");
        Close(psi, expected.GetProperty("psi").GetDouble(), 1e-9, "categorical PSI");
    }

    [Fact]
    public void Exact_ks_p_values_match_scipy_on_small_samples_with_ties()
    {
        double[] a = [1, 2, 2, 3, 5, 8, 13];
        double[] b = [2, 3, 4, 4, 4, 9, 10, 11, 12, 30];
        string script = "import scipy.stats as s; r=s.ks_2samp([1,2,2,3,5,8,13],[2,3,4,4,4,9,10,11,12,30]); print(repr(r.statistic), repr(r.pvalue))";
        string[] scipy = Python.Run(script).Split(' ');

        (double d, double p, _) = KolmogorovSmirnov.Test(a, b);

        d.Should().BeApproximately(double.Parse(scipy[0], CultureInfo.InvariantCulture), 1e-12);
        p.Should().BeApproximately(double.Parse(scipy[1], CultureInfo.InvariantCulture), 1e-9);
    }
}

/// <summary>Runs Debian's Python (which sees python3-scipy) for an oracle value.</summary>
internal static class Python
{
    public static string Run(string code)
    {
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(code);
        using System.Diagnostics.Process process = System.Diagnostics.Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();

        // A hang guard, not a speed limit: a busy machine may take a while to fit scikit-learn's models.
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("python did not finish within 5 minutes.");
        }

        return process.ExitCode == 0 ? output.Result.Trim() : throw new InvalidOperationException("python failed: " + error.Result);
    }
}

/// <summary>Profiles give the same PSI as the direct computation.</summary>
public sealed class DriftProfileTests
{
    [Fact]
    public void Numeric_profile_counts_and_psi_equal_the_direct_computation()
    {
        var random = new Random(5);
        double[] reference = Enumerable.Range(0, 5000).Select(_ => Math.Round(random.NextDouble() * 50)).ToArray();
        double[] current = Enumerable.Range(0, 3000).Select(_ => Math.Round(random.NextDouble() * 60)).ToArray();

        NumericProfile profile = NumericProfile.FromReference("x", reference);
        long[] counts = profile.Count(current);

        counts.Should().Equal(PopulationStability.Counts(current, profile.Edges));
        profile.Psi(counts).Should().Be(PopulationStability.Index(PopulationStability.Counts(reference, profile.Edges), counts));
        counts.Sum().Should().Be(3000);
    }

    [Fact]
    public void Categorical_profile_handles_categories_only_one_side_has()
    {
        CategoricalProfile profile = CategoricalProfile.FromReference("c", ["a", "a", "b"]);

        double psi = profile.Psi(new Dictionary<string, long> { ["a"] = 1, ["c"] = 2 });

        psi.Should().BeApproximately(PopulationStability.Index([2, 1, 0], [1, 0, 2]), 1e-15);
    }
}
