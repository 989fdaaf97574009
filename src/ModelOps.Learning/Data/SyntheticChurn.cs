using System.Globalization;

namespace ModelOps.Learning.Data;

/// <summary>One synthetic telecom customer, shaped like the columns data scientists know from churn data sets.</summary>
public sealed record ChurnCustomer(
    string CustomerId,
    int SeniorCitizen,
    int TenureMonths,
    string Contract,
    string InternetService,
    string TechSupport,
    string PaymentMethod,
    string PaperlessBilling,
    double MonthlyCharges,
    double TotalCharges,
    string Churn);

/// <summary>
/// Knobs for drift over time. <see cref="Strength"/> 0 gives the reference population; 1 the fully drifted
/// one: higher prices, more fibre and month-to-month contracts, newer customers (covariate drift), and
/// price sensitivity that grows (concept drift).
/// </summary>
public sealed record ChurnDrift(double Strength = 0)
{
    public static ChurnDrift None { get; } = new();
}

/// <summary>
/// A seeded generator of realistic mixed numeric/categorical churn data with a known relationship:
/// churn ~ Bernoulli(σ(z)) with z from <see cref="Coefficients"/>. The same seed, row count and drift give
/// the same rows. It ships with the product so the local demo never needs external data.
/// </summary>
public static class SyntheticChurn
{
    /// <summary>The column names, in file order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "customer_id", "senior_citizen", "tenure_months", "contract", "internet_service", "tech_support",
        "payment_method", "paperless_billing", "monthly_charges", "total_charges", "churn",
    ];

    /// <summary>The true log-odds terms of churn (documented so tests and demos can check what a model learns).</summary>
    public static IReadOnlyDictionary<string, double> Coefficients { get; } = new Dictionary<string, double>
    {
        ["intercept"] = -1.6,
        ["tenure_months"] = -0.045,
        ["monthly_charges_minus_65"] = 0.02,
        ["contract=Month-to-month"] = 1.2,
        ["contract=Two year"] = -1.0,
        ["internet_service=Fiber optic"] = 0.6,
        ["payment_method=Electronic check"] = 0.5,
        ["senior_citizen"] = 0.35,
        ["tech_support=Yes"] = -0.55,
        ["paperless_billing=Yes"] = 0.25,
    };

    public static IEnumerable<ChurnCustomer> Generate(int rows, int seed, ChurnDrift? drift = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        double d = Math.Clamp((drift ?? ChurnDrift.None).Strength, 0, 1);
        var random = new Random(seed);
        for (int i = 0; i < rows; i++)
        {
            yield return Next(random, i, d);
        }
    }

    private static ChurnCustomer Next(Random random, int index, double drift)
    {
        string contract = Pick(random, ["Month-to-month", "One year", "Two year"], [0.55 + (0.15 * drift), 0.21 - (0.07 * drift), 0.24 - (0.08 * drift)]);
        string internet = Pick(random, ["DSL", "Fiber optic", "No"], [0.34 - (0.1 * drift), 0.44 + (0.15 * drift), 0.22 - (0.05 * drift)]);
        string techSupport = internet == "No" ? "No internet service" : random.NextDouble() < 0.37 ? "Yes" : "No";
        string payment = Pick(random, ["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"], [0.34, 0.23, 0.22, 0.21]);
        string paperless = random.NextDouble() < 0.59 ? "Yes" : "No";
        int senior = random.NextDouble() < 0.16 ? 1 : 0;

        // Tenure: long-contract customers stay longer; drift brings in newer customers.
        double tenureScale = contract switch { "Two year" => 55, "One year" => 40, _ => 18 } * (1 - (0.3 * drift));
        int tenure = (int)Math.Clamp(Math.Round(-tenureScale * Math.Log(1 - (random.NextDouble() * 0.999))), 0, 72);

        double basePrice = internet switch { "Fiber optic" => 85, "DSL" => 58, _ => 21 };
        double monthly = Math.Round(Math.Max(18, (basePrice * (1 + (0.15 * drift))) + (Normal(random) * 9) + (techSupport == "Yes" ? 6 : 0)), 2);
        double total = Math.Round(Math.Max(monthly, (monthly * tenure) + (Normal(random) * 25 * Math.Sqrt(tenure + 1))), 2);
        if (tenure == 0)
        {
            total = 0;
        }

        double z = Coefficients["intercept"]
            + (Coefficients["tenure_months"] * tenure)
            + (Coefficients["monthly_charges_minus_65"] * (1 + drift) * (monthly - 65))
            + (contract == "Month-to-month" ? Coefficients["contract=Month-to-month"] : 0)
            + (contract == "Two year" ? Coefficients["contract=Two year"] : 0)
            + (internet == "Fiber optic" ? Coefficients["internet_service=Fiber optic"] : 0)
            + (payment == "Electronic check" ? Coefficients["payment_method=Electronic check"] : 0)
            + (senior * Coefficients["senior_citizen"])
            + (techSupport == "Yes" ? Coefficients["tech_support=Yes"] : 0)
            + (paperless == "Yes" ? Coefficients["paperless_billing=Yes"] : 0);
        bool churn = random.NextDouble() < 1 / (1 + Math.Exp(-z));

        return new ChurnCustomer(
            string.Create(CultureInfo.InvariantCulture, $"C{index + 1:D6}"),
            senior, tenure, contract, internet, techSupport, payment, paperless, monthly, total, churn ? "Yes" : "No");
    }

    private static string Pick(Random random, string[] values, double[] weights)
    {
        double u = random.NextDouble() * weights.Sum();
        for (int i = 0; i < values.Length; i++)
        {
            u -= weights[i];
            if (u < 0)
            {
                return values[i];
            }
        }

        return values[^1];
    }

    private static double Normal(Random random)
    {
        // Box–Muller.
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Writes rows as CSV with a header (invariant culture, fields quoted where needed).</summary>
    public static void WriteCsv(TextWriter writer, IEnumerable<ChurnCustomer> customers)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(string.Join(',', Columns));
        foreach (ChurnCustomer c in customers)
        {
            writer.WriteLine(string.Join(',',
                c.CustomerId, c.SeniorCitizen.ToString(CultureInfo.InvariantCulture), c.TenureMonths.ToString(CultureInfo.InvariantCulture),
                c.Contract, c.InternetService, c.TechSupport, Quote(c.PaymentMethod), c.PaperlessBilling,
                c.MonthlyCharges.ToString("0.00", CultureInfo.InvariantCulture), c.TotalCharges.ToString("0.00", CultureInfo.InvariantCulture), c.Churn));
        }
    }

    private static string Quote(string value) => value.Contains(',', StringComparison.Ordinal) ? "\"" + value + "\"" : value;
}
