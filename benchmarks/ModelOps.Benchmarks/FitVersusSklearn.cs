using System.Diagnostics;
using System.Globalization;
using System.Text;
using ModelOps.Learning.Data;
using ModelOps.Learning.Trainers;

namespace ModelOps.Benchmarks;

/// <summary>
/// `fit-vs-sklearn DATA.csv`: fit time of our elastic-net logistic regression and histogram gradient-boosted trees
/// against scikit-learn (/usr/bin/python3) on the same encoded matrix in the same run (Telco churn encoding: numeric
/// columns then a full one-hot of every text column, the first 80 % of rows, standardized for the GLM).
/// Medians of 5 fits each; ratios below 1 mean we are faster.
/// </summary>
internal static class FitVersusSklearn
{
    private const string Script = """
import sys, time, numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import HistGradientBoostingClassifier
d = np.loadtxt(sys.argv[1], delimiter=',')
X, y = d[:, :-1], d[:, -1]
mu, sd = X.mean(0), X.std(0); sd[sd == 0] = 1
Xs = (X - mu) / sd
def med(f):
    t = []
    for _ in range(5):
        s = time.perf_counter(); f(); t.append(time.perf_counter() - s)
    return sorted(t)[2]
for tol in (1e-4, 1e-10):
    print('glm_tol_%g %.6f' % (tol, med(lambda: LogisticRegression(penalty='elasticnet', solver='saga', l1_ratio=0.5, C=1.0, tol=tol, max_iter=200000, random_state=0).fit(Xs, y))))
print('gbdt %.6f' % med(lambda: HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0).fit(X, y)))
""";

    public static int Run(string csv)
    {
        Dataset data = CsvDatasetReader.Read(csv);
        int n = (int)Math.Floor(0.8 * data.RowCount);
        string target = data.Columns[^1].Name;
        var columns = new List<double[]>();
        foreach (DataColumn c in data.Columns.Take(data.Columns.Count - 1))
        {
            if (c.Numbers is not null)
            {
                columns.Add(c.Numbers.Select(v => double.IsNaN(v) ? 0 : v).ToArray());
                continue;
            }

            string?[] levels = c.Texts![..n].Distinct().Order(StringComparer.Ordinal).ToArray();
            if (levels.Length > 50) continue; // an identifier, not a feature
            foreach (string? level in levels)
            {
                columns.Add(c.Texts.Select(v => v == level ? 1.0 : 0.0).ToArray());
            }
        }

        string? positive = data[target].Texts?[..n].Distinct().Order(StringComparer.Ordinal).Last();
        double[][] x = Enumerable.Range(0, n).Select(i => columns.Select(col => col[i]).ToArray()).ToArray();
        double[] y = Enumerable.Range(0, n).Select(i => data[target].Texts is { } t ? (t[i] == positive ? 1.0 : 0.0) : data[target].Numbers![i]).ToArray();
        double[][] xs = Standardize(x);
        bool[] yb = y.Select(v => v > 0.5).ToArray();

        double glm = Median(() => ElasticNetLogisticRegression.Fit(xs, yb, new ElasticNetOptions(C: 1.0, L1Ratio: 0.5)));
        double gbdt = Median(() => HistogramGradientBoosting.Fit(x, y, new GradientBoostingOptions(Iterations: 100)));

        string dir = Directory.CreateTempSubdirectory("fit-vs-sklearn").FullName;
        string matrix = Path.Combine(dir, "xy.csv");
        File.WriteAllLines(matrix, x.Select((row, i) => string.Join(',', row.Append(y[i]).Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        string script = Path.Combine(dir, "fit.py");
        File.WriteAllText(script, Script, Encoding.UTF8);
        var info = new ProcessStartInfo("/usr/bin/python3", [script, matrix]) { RedirectStandardOutput = true };
        using Process python = Process.Start(info)!;
        Dictionary<string, double> sk = python.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        python.WaitForExit();
        Directory.Delete(dir, recursive: true);

        Console.WriteLine($"rows {n}, features {columns.Count}");
        Console.WriteLine($"elastic-net GLM  ours {glm:F4} s (tol 1e-12) | sklearn saga tol 1e-4 {sk["glm_tol_0.0001"]:F4} s (ratio {glm / sk["glm_tol_0.0001"]:F3}) | tol 1e-10 {sk["glm_tol_1e-10"]:F4} s (ratio {glm / sk["glm_tol_1e-10"]:F3})");
        Console.WriteLine($"GBDT 100 iter    ours {gbdt:F4} s | sklearn HGB {sk["gbdt"]:F4} s (ratio {gbdt / sk["gbdt"]:F3})");
        return 0;
    }

    private static double[][] Standardize(double[][] x)
    {
        int p = x[0].Length;
        double[] mean = Enumerable.Range(0, p).Select(j => x.Average(r => r[j])).ToArray();
        double[] sd = Enumerable.Range(0, p).Select(j => Math.Sqrt(x.Average(r => (r[j] - mean[j]) * (r[j] - mean[j])))).Select(s => s == 0 ? 1 : s).ToArray();
        return x.Select(r => r.Select((v, j) => (v - mean[j]) / sd[j]).ToArray()).ToArray();
    }

    private static double Median(Action fit)
    {
        fit(); // warm-up (JIT)
        var times = new double[5];
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            fit();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(times);
        return times[2];
    }
}
