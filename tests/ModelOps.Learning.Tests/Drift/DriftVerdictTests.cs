using System.Globalization;
using ModelOps.Learning.Drift;
using ModelOps.Learning.Pipelines;
using ModelOps.Testing;

namespace ModelOps.Learning.Tests.Drift;

/// <summary>The dataset verdict: statistics in the convention of their thresholds, identifiers left out, BH control, named drivers.</summary>
public sealed class DriftVerdictTests
{
    private static readonly string BankFull = Path.Combine(RepositoryLayout.SharedData, "datasets", "bank_marketing", "bank-full.csv");

    /// <summary>First 80 % of Bank Marketing (time-ordered) as reference, last 20 % as current, by column.</summary>
    private static (Dictionary<string, string[]> Reference, Dictionary<string, string[]> Current) BankSplit()
    {
        string[][] rows = File.ReadAllLines(BankFull).Select(l => l.Split(';').Select(f => f.Trim('"')).ToArray()).ToArray();
        string[] header = rows[0];
        int n = rows.Length - 1, cut = (int)Math.Floor(0.8 * n);
        Dictionary<string, string[]> Take(int from, int to) =>
            header.Select((name, c) => (name, values: rows.Skip(1 + from).Take(to - from).Select(r => r[c]).ToArray())).ToDictionary(t => t.name, t => t.values);
        return (Take(0, cut), Take(cut, n));
    }

    [Fact]
    public void Bank_marketing_loan_is_measured_with_the_natural_log_jensen_shannon_distance_and_not_flagged()
    {
        (Dictionary<string, string[]> reference, Dictionary<string, string[]> current) = BankSplit();

        DriftReport report = DriftAnalysis.Compare(reference, current);
        ColumnDrift loan = report.Columns.Single(c => c.Name == "loan");

        // Evidently's threshold 0.1 is for scipy's default (natural-log) distance; base 2 would give 0.1105 and a false alarm.
        loan.Method.Should().Be("jensen_shannon");
        loan.JsDistance.Should().BeApproximately(0.09202, 5e-5);
        loan.Statistic.Should().Contain("natural log");
        loan.Drifted.Should().BeFalse();
        report.Columns.Single(c => c.Name == "contact").Drifted.Should().BeTrue();
        report.DrivenBy.Should().Contain(["contact", "poutcome", "month"]).And.NotContain("loan");
        report.DatasetDrift.Should().Be(report.DriftedShare >= 0.5);
    }

    [Fact]
    public void Identifier_like_columns_are_left_out_unless_asked_for()
    {
        string[] ids = Enumerable.Range(0, 200).Select(i => "cust-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        string[] numbers = Enumerable.Range(0, 200).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        string[] plan = Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? "a" : "b").ToArray();
        var reference = new Dictionary<string, string[]> { ["id"] = ids[..100], ["row"] = numbers[..100], ["plan"] = plan[..100] };
        var current = new Dictionary<string, string[]> { ["id"] = ids[100..], ["row"] = numbers[100..], ["plan"] = plan[100..] };

        DriftReport plain = DriftAnalysis.Compare(reference, current);
        DriftReport asked = DriftAnalysis.Compare(reference, current, new DriftOptions(["id"]));

        plain.Excluded.Should().Equal("id", "row");
        plain.Columns.Select(c => c.Name).Should().Equal("plan");
        plain.DatasetDrift.Should().BeFalse();
        asked.Columns.Select(c => c.Name).Should().Equal("id", "plan");
        asked.Columns[0].Drifted.Should().BeTrue("disjoint identifiers always look drifted, which is why they are left out");
    }

    [Fact]
    public void Benjamini_hochberg_adjusts_the_p_values_and_the_verdict_names_the_drifted_columns()
    {
        var random = new Random(7);
        var reference = new Dictionary<string, string[]>();
        var current = new Dictionary<string, string[]>();
        for (int c = 0; c < 6; c++)
        {
            double shift = c == 0 ? 1.0 : c == 1 ? 0.8 : 0;
            reference["x" + c] = Enumerable.Range(0, 300).Select(_ => Format(random.NextDouble())).ToArray();
            current["x" + c] = Enumerable.Range(0, 300).Select(_ => Format(random.NextDouble() + shift)).ToArray();
        }

        DriftReport report = DriftAnalysis.Compare(reference, current);

        report.Rule.Should().Contain("Benjamini–Hochberg");
        foreach (ColumnDrift column in report.Columns)
        {
            column.Method.Should().Be("ks");
            column.AdjustedPValue.Should().BeGreaterThanOrEqualTo(column.Score);
            column.Drifted.Should().Be(column.AdjustedPValue <= 0.05);
        }

        report.DrivenBy.Should().Equal("x0", "x1");
        report.DatasetDrift.Should().BeFalse("2 of 6 columns is less than half");
    }

    [Fact]
    public void A_baseline_profile_is_compared_by_psi_on_its_own_bins_and_category_counts()
    {
        double[] train = Enumerable.Range(0, 2000).Select(i => i / 2000.0).ToArray();
        var baseline = new BaselineProfile(
            [NumericProfile.FromReference("x", train)],
            [CategoricalProfile.FromReference("plan", Enumerable.Range(0, 2000).Select(i => i % 2 == 0 ? "a" : "b"))],
            NumericProfile.FromReference("score", train));
        var same = new Dictionary<string, string[]>
        {
            ["x"] = train.Select(Format).ToArray(),
            ["plan"] = Enumerable.Range(0, 2000).Select(i => i % 2 == 0 ? "a" : "b").ToArray(),
        };
        var shifted = new Dictionary<string, string[]>
        {
            ["x"] = train.Select(v => Format(v * 0.5)).ToArray(),
            ["plan"] = same["plan"],
        };

        DriftReport none = BaselineDrift.Compare(baseline, same);
        DriftReport drifted = BaselineDrift.Compare(baseline, shifted);

        none.DatasetDrift.Should().BeFalse();
        none.ComparedWith.Should().Be("training baseline profile");
        drifted.Columns.Single(c => c.Name == "x").Should().Match<ColumnDrift>(c => c.Method == "psi" && c.Drifted && c.Psi > 0.1);
        drifted.DrivenBy.Should().Equal("x");
        drifted.DatasetDrift.Should().BeTrue("one of two columns is half");
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
