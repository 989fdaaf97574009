using System.Globalization;
using ModelOps.Learning.Fairness;
using ModelOps.Learning.Tests.Drift;
using ModelOps.Testing;

namespace ModelOps.Learning.Tests.Fairness;

public sealed class FairnessReportTests
{
    [Fact]
    public void Group_rates_and_gaps_on_a_worked_example()
    {
        string[] groups = ["a", "a", "a", "a", "b", "b", "b", "b"];
        double[] p = [0.9, 0.7, 0.2, 0.6, 0.8, 0.3, 0.1, 0.4];
        bool[] y = [true, true, false, false, true, true, false, false];

        FairnessReport report = FairnessReport.Evaluate("group", groups, p, y);

        report.Groups.Select(g => g.SelectionRate).Should().Equal(0.75, 0.25);
        report.Groups.Select(g => g.TruePositiveRate).Should().Equal(1.0, 0.5);
        report.DisparateImpact.Should().BeApproximately(1 / 3.0, 1e-15);
        report.DemographicParityDifference.Should().Be(0.5);
        report.EqualOpportunityDifference.Should().Be(0.5);
    }

    [Fact]
    public void Per_group_auroc_on_adult_matches_scikit_learn()
    {
        // Score: education-num scaled to [0, 1]; outcome: income >50K; sensitive column: sex.
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryLayout.SharedData, "datasets", "adult", "adult_test.csv"));
        string[] header = lines[0].Split(',');
        int edu = Array.IndexOf(header, "education-num"), sex = Array.IndexOf(header, "sex"), income = Array.IndexOf(header, "income");
        string[][] rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        double[] p = rows.Select(r => double.Parse(r[edu], CultureInfo.InvariantCulture) / 16).ToArray();
        bool[] y = rows.Select(r => r[income] == ">50K").ToArray();
        string[] groups = rows.Select(r => r[sex]).ToArray();
        string script = "import csv\nfrom sklearn.metrics import roc_auc_score\n" +
            $"rows=list(csv.DictReader(open({Quote(Path.Combine(RepositoryLayout.SharedData, "datasets", "adult", "adult_test.csv"))})))\n" +
            "for g in ['Female','Male']:\n  sub=[r for r in rows if r['sex']==g]\n  print(repr(roc_auc_score([r['income']=='>50K' for r in sub],[float(r['education-num'])/16 for r in sub])))";
        double[] expected = Python.Run(script).Split('\n').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();

        FairnessReport report = FairnessReport.Evaluate("sex", groups, p, y, threshold: 13 / 16.0);

        report.Groups.Select(g => g.Group).Should().Equal("Female", "Male");
        report.Groups[0].Auroc!.Value.Should().BeApproximately(expected[0], 1e-12);
        report.Groups[1].Auroc!.Value.Should().BeApproximately(expected[1], 1e-12);
        report.DisparateImpact.Should().BeLessThan(1);
    }

    [Fact]
    public void One_group_is_not_a_comparison()
    {
        Action one = () => FairnessReport.Evaluate("sex", ["F", "F"], [0.2, 0.8], [false, true]);

        one.Should().Throw<ArgumentException>().WithMessage("*fewer than two groups*");
    }

    private static string Quote(string path) => "'" + path.Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
