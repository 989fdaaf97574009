using ModelOps.Learning.Data;

namespace ModelOps.Learning.Tests.Data;

public sealed class SyntheticChurnTests
{
    [Fact]
    public void Same_seed_gives_the_same_rows_and_another_seed_other_rows()
    {
        List<ChurnCustomer> a = SyntheticChurn.Generate(500, 7).ToList();
        List<ChurnCustomer> b = SyntheticChurn.Generate(500, 7).ToList();
        List<ChurnCustomer> c = SyntheticChurn.Generate(500, 8).ToList();

        a.Should().Equal(b);
        a.Should().NotEqual(c);
    }

    [Fact]
    public void Churn_rate_and_relationships_follow_the_documented_coefficients()
    {
        List<ChurnCustomer> rows = SyntheticChurn.Generate(20_000, 1).ToList();
        double Rate(Func<ChurnCustomer, bool> where) => rows.Where(where).Average(r => r.Churn == "Yes" ? 1.0 : 0.0);

        double overall = Rate(_ => true);
        double monthToMonth = Rate(r => r.Contract == "Month-to-month");
        double twoYear = Rate(r => r.Contract == "Two year");
        double fiber = Rate(r => r.InternetService == "Fiber optic");
        double dsl = Rate(r => r.InternetService == "DSL");
        double newcomers = Rate(r => r.TenureMonths < 12);
        double loyal = Rate(r => r.TenureMonths >= 48);

        overall.Should().BeInRange(0.15, 0.40);
        monthToMonth.Should().BeGreaterThan(2 * twoYear);
        fiber.Should().BeGreaterThan(dsl);
        newcomers.Should().BeGreaterThan(loyal);
        rows.Should().OnlyContain(r => r.TenureMonths >= 0 && r.TenureMonths <= 72 && r.MonthlyCharges >= 18);
        rows.Where(r => r.InternetService == "No").Should().OnlyContain(r => r.TechSupport == "No internet service");
    }

    [Fact]
    public void Drift_moves_prices_contracts_and_tenure()
    {
        List<ChurnCustomer> reference = SyntheticChurn.Generate(10_000, 3).ToList();
        List<ChurnCustomer> drifted = SyntheticChurn.Generate(10_000, 3, new ChurnDrift(1)).ToList();

        drifted.Average(r => r.MonthlyCharges).Should().BeGreaterThan(reference.Average(r => r.MonthlyCharges) * 1.1);
        drifted.Count(r => r.Contract == "Month-to-month").Should().BeGreaterThan(reference.Count(r => r.Contract == "Month-to-month"));
        drifted.Average(r => r.TenureMonths).Should().BeLessThan(reference.Average(r => r.TenureMonths));
    }

    [Fact]
    public void Csv_has_the_documented_header_and_one_line_per_customer()
    {
        var writer = new StringWriter();

        SyntheticChurn.WriteCsv(writer, SyntheticChurn.Generate(3, 5));
        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines[0].TrimEnd('\r').Split(',').Should().Equal(SyntheticChurn.Columns);
        lines.Should().HaveCount(4);
        lines.Skip(1).Should().OnlyContain(l => l.StartsWith('C'));
    }
}
