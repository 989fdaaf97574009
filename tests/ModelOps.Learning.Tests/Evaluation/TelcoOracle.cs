using System.Globalization;
using System.Text.Json;
using ModelOps.Testing;

namespace ModelOps.Learning.Tests.Evaluation;

/// <summary>
/// The Telco churn data and the oracle's expected values (shared/data/oracles), prepared exactly as the
/// oracle script does: blanks in TotalCharges become 0, the first 5634 rows are train, the rest test, and the
/// 45 features are the 4 numeric columns then one-hot levels named "Column=Level".
/// </summary>
internal sealed class TelcoOracle
{
    private TelcoOracle(JsonDocument expected, double[][] features, bool[] churn)
    {
        Expected = expected.RootElement;
        Features = features;
        Churn = churn;
    }

    public JsonElement Expected { get; }

    public double[][] Features { get; }

    public bool[] Churn { get; }

    public int TrainRows => Expected.GetProperty("dataset").GetProperty("n_train").GetInt32();

    public static TelcoOracle Load()
    {
        string root = RepositoryLayout.SharedData;
        JsonDocument expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "oracles", "telco_oracle_expected.json")));
        string[] names = expected.RootElement.GetProperty("features").GetProperty("names").EnumerateArray().Select(e => e.GetString()!).ToArray();
        string[] lines = File.ReadAllLines(Path.Combine(root, "datasets", "WA_Fn-UseC_-Telco-Customer-Churn.csv"));
        string[] header = lines[0].Split(',');
        var features = new List<double[]>();
        var churn = new List<bool>();
        foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
        {
            string[] cells = line.Split(',').Select(c => c.Trim()).ToArray();
            string Cell(string column) => cells[Array.IndexOf(header, column)];
            features.Add(names.Select(name =>
            {
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0)
                {
                    string text = Cell(name);
                    return text.Length == 0 ? 0.0 : double.Parse(text, CultureInfo.InvariantCulture);
                }

                return Cell(name[..eq]) == name[(eq + 1)..] ? 1.0 : 0.0;
            }).ToArray());
            churn.Add(Cell("Churn") == "Yes");
        }

        return new TelcoOracle(expected, features.ToArray(), churn.ToArray());
    }

    /// <summary>The oracle's elastic-net logistic regression probabilities, from its published coefficients.</summary>
    public double[] LogisticProbabilities(string model = "logistic_regression_elasticnet")
    {
        JsonElement f = Expected.GetProperty("features");
        double[] mean = f.GetProperty("standardizer_mean").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double[] scale = f.GetProperty("standardizer_scale").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        JsonElement lr = Expected.GetProperty(model);
        double intercept = lr.GetProperty("intercept").GetDouble();
        double[] coef = lr.GetProperty("coef_standardized").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        return Features.Select(x =>
        {
            double z = intercept;
            for (int j = 0; j < x.Length; j++)
            {
                z += coef[j] * ((x[j] - mean[j]) / scale[j]);
            }

            return 1 / (1 + Math.Exp(-z));
        }).ToArray();
    }
}
