using System.Diagnostics;
using System.Globalization;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Onnx;

namespace ModelOps.Benchmarks;

/// <summary>
/// <c>onnx-vs-ort TELCO.csv [SPEC.json] [--only NAME]</c>: our engine against ONNX Runtime for .NET in the same process, on the same
/// model files and input tensors: single-row latency and 10,000-row batch throughput, ORT single-threaded and with its
/// default threads, through its fast API (pinned OrtValues reused, outputs pre-allocated) and the plain
/// NamedOnnxValue API; bytes allocated per call; output agreement. Engines alternate within each of three repetitions;
/// medians are reported.
/// </summary>
internal static class EngineVersusOrt
{
    private const int BatchRows = 10_000;
    private const int Repetitions = 3;

    public static int Run(string telcoCsv, string specPath, string? only)
    {
        List<BenchmarkCase> cases = Cases(telcoCsv, specPath);
        var results = new List<CaseResult>();
        foreach (BenchmarkCase c in cases.Where(c => only is null || c.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            Console.Error.WriteLine($"measuring {c.Name} …");
            results.Add(Measure(c));
        }

        Print(results);
        return 0;
    }

    internal static List<BenchmarkCase> Cases(string telcoCsv, string specPath)
    {
        Dataset telco = CsvDatasetReader.Read(telcoCsv);
        PipelineSpec spec = PipelineSpecJson.Read(specPath);
        byte[] Export(EstimatorType type) =>
            PipelineOnnxExporter.Export(PipelineTrainer.Fit(spec with { Estimator = new EstimatorSpec { Type = type } }, telco).Pipeline);
        (byte[] mlnetLogistic, byte[] mlnetFastTree) = MlNetTelco.Export(telco);

        float[] rows = BenchmarkModels.Rows(1000);
        var features = new Dictionary<string, Tensor> { ["features"] = Tensor.FromFloats(rows, 1000, BenchmarkModels.Features) };
        var doubles = new Dictionary<string, Tensor> { ["features"] = Tensor.FromDoubles(rows.Select(v => (double)v).ToArray(), 1000, BenchmarkModels.Features) };
        var missing = new Dictionary<string, Tensor> { ["features"] = Tensor.FromFloats(BenchmarkModels.RowsWithMissing(1000), 1000, BenchmarkModels.Features) };
        return
        [
            BenchmarkCase.FromDataset("telco-glm (ours)", Export(EstimatorType.Glm), telco, BatchRows),
            BenchmarkCase.FromDataset("telco-gbdt (ours)", Export(EstimatorType.Gbdt), telco, BatchRows),
            BenchmarkCase.FromDataset("telco-lr (ML.NET)", mlnetLogistic, telco, BatchRows),
            BenchmarkCase.FromDataset("telco-fasttree (ML.NET)", mlnetFastTree, telco, BatchRows),
            BenchmarkCase.FromTable("scaler+linear", BenchmarkModels.LogisticRegression(), features, BatchRows),
            BenchmarkCase.FromTable("core-logistic f32", BenchmarkModels.CoreLogisticRegression(float64: false), features, BatchRows),
            BenchmarkCase.FromTable("core-logistic f64", BenchmarkModels.CoreLogisticRegression(float64: true), doubles, BatchRows),
            BenchmarkCase.FromTable("trees 100x6x45", BenchmarkModels.GradientBoostedTrees(), features, BatchRows),
            BenchmarkCase.FromTable("hgb-shaped 100x31", BenchmarkModels.HistGradientBoostingShaped(), missing, BatchRows),
        ];
    }

    private static CaseResult Measure(BenchmarkCase c)
    {
        (string Name, IScorer Scorer)[] scorers =
        [
            ("ours", new EngineScorer(c.Model, c, null)),
            ("ours-1t", new EngineScorer(c.Model, c, 1)),
            ("ort-fast-1t", new OrtFastScorer(c.Model, singleThread: true, c)),
            ("ort-fast", new OrtFastScorer(c.Model, singleThread: false, c)),
            ("ort-plain-1t", new OrtPlainScorer(c.Model, singleThread: true, c)),
        ];
        try
        {
            foreach ((_, IScorer s) in scorers) Timing.WarmUp(s);
            var samples = scorers.ToDictionary(s => s.Name, _ => new List<Timing.Sample>());
            for (int rep = 0; rep < Repetitions; rep++)
            {
                // Alternate the engines, and their order between repetitions, so machine load falls on all of them.
                IEnumerable<(string Name, IScorer Scorer)> order = rep % 2 == 0 ? scorers : scorers.Reverse();
                foreach ((string name, IScorer s) in order) samples[name].Add(Timing.Measure(s, c.BatchRows));
            }

            (double delta, long labels) = Agreement((EngineScorer)scorers[0].Scorer, (OrtPlainScorer)scorers[4].Scorer, c);
            return new CaseResult(c.Name, samples.ToDictionary(kv => kv.Key, kv => Timing.Median(kv.Value)), delta, labels);
        }
        finally
        {
            foreach ((_, IScorer s) in scorers) s.Dispose();
        }
    }

    private static (double MaxDelta, long LabelDifferences) Agreement(EngineScorer ours, OrtPlainScorer ort, BenchmarkCase c)
    {
        IReadOnlyDictionary<string, Tensor> mine = ours.Score(c.Batch);
        Dictionary<string, Tensor> theirs = ort.Score(c.Batch);
        double delta = 0;
        long labels = 0;
        foreach ((string name, Tensor t) in mine)
        {
            if (!theirs.TryGetValue(name, out Tensor? o) || o.Length != t.Length) continue;
            for (int i = 0; i < t.Length; i++)
            {
                switch (t.ElementType)
                {
                    case TensorElementType.Float or TensorElementType.Double:
                        double a = t.GetDouble(i), b = o.GetDouble(i);
                        if (!(double.IsNaN(a) && double.IsNaN(b))) delta = Math.Max(delta, double.IsNaN(a - b) ? double.PositiveInfinity : Math.Abs(a - b));
                        break;
                    case TensorElementType.String:
                        if (!string.Equals(t.As<string>()[i], o.Data.GetValue(i) as string, StringComparison.Ordinal)) labels++;
                        break;
                    default:
                        if (t.Data.GetValue(i)?.Equals(o.Data.GetValue(i)) != true) labels++;
                        break;
                }
            }
        }

        return (delta, labels);
    }

    private static void Print(List<CaseResult> results)
    {
        static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        Console.WriteLine();
        Console.WriteLine($"Medians of {Repetitions} alternated repetitions; batch = {BatchRows:N0} rows; {Environment.ProcessorCount} cores; ORT {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version}.");
        Console.WriteLine("1-row: µs per call (ORT fast API, 1 thread); batch: rows/s; ratios ours/ORT (1-row: lower is better, target ≤ 0.5; batch: higher is better, target ≥ 1).");
        Console.WriteLine();
        int[] widths = [24, 10, 8, 5, 9, 13, 11, 5, 11, 11, 5, 12, 8, 12, 8, 7, 7];
        string Row(params string[] cells) => string.Join(" | ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
        string header = Row("model", "1-row ours", "ORT", "ratio", "ORT plain", "batch ours-1t", "ORT-1t", "ratio", "ours", "ORT-default", "ratio",
            "B/1-row ours", "ORT", "B/batch ours", "ORT", "max |Δ|", "labels≠");
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        foreach (CaseResult r in results)
        {
            Timing.Sample ours = r.Samples["ours"], ours1 = r.Samples["ours-1t"], fast1 = r.Samples["ort-fast-1t"], fast = r.Samples["ort-fast"], plain = r.Samples["ort-plain-1t"];
            Console.WriteLine(Row(
                r.Name, F(ours.RowMicros, "F2"), F(fast1.RowMicros, "F2"), F(ours.RowMicros / fast1.RowMicros, "F2"),
                F(plain.RowMicros, "F2"), F(ours1.RowsPerSecond, "N0"), F(fast1.RowsPerSecond, "N0"), F(ours1.RowsPerSecond / fast1.RowsPerSecond, "F2"),
                F(ours.RowsPerSecond, "N0"), F(fast.RowsPerSecond, "N0"), F(ours.RowsPerSecond / fast.RowsPerSecond, "F2"),
                F(ours.RowBytes, "N0"), F(fast1.RowBytes, "N0"), F(ours.BatchBytes, "N0"), F(fast1.BatchBytes, "N0"),
                F(r.MaxDelta, "G2"), r.LabelDifferences.ToString(CultureInfo.InvariantCulture)));
        }

        Console.WriteLine();
        Console.WriteLine("ORT plain (NamedOnnxValue, 1 thread) batch rows/s and bytes per call:");
        foreach (CaseResult r in results)
        {
            Timing.Sample plain = r.Samples["ort-plain-1t"];
            Console.WriteLine($"  {r.Name,-24} {F(plain.RowsPerSecond, "N0"),12} rows/s   {F(plain.RowBytes, "N0"),8} B/1-row   {F(plain.BatchBytes, "N0"),12} B/batch");
        }
    }

    private sealed record CaseResult(string Name, Dictionary<string, Timing.Sample> Samples, double MaxDelta, long LabelDifferences);
}

/// <summary>Time and bytes per call of one scorer, on every thread (parallel kernels allocate on pool threads).</summary>
internal static class Timing
{
    private static readonly TimeSpan RowBudget = TimeSpan.FromMilliseconds(150), BatchBudget = TimeSpan.FromMilliseconds(250);

    public sealed record Sample(double RowMicros, double RowsPerSecond, double RowBytes, double BatchBytes);

    public static void WarmUp(IScorer s)
    {
        // Long enough for tiered compilation to promote the hot paths.
        var watch = Stopwatch.StartNew();
        for (int i = 0; watch.ElapsedMilliseconds < 400; i++) s.RunRow(i % BenchmarkCase.SingleRows);
        s.RunBatch();
        s.RunBatch();
    }

    public static Sample Measure(IScorer s, int batchRows)
    {
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        int calls = 0;
        while (calls < 200 || Stopwatch.GetElapsedTime(start) < RowBudget) s.RunRow(calls++ % BenchmarkCase.SingleRows);
        double rowMicros = Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
        double rowBytes = (double)(GC.GetTotalAllocatedBytes(precise: true) - bytes) / calls;

        bytes = GC.GetTotalAllocatedBytes(precise: true);
        start = Stopwatch.GetTimestamp();
        int batches = 0;
        while (batches < 2 || Stopwatch.GetElapsedTime(start) < BatchBudget)
        {
            s.RunBatch();
            batches++;
        }

        double rowsPerSecond = (double)batchRows * batches / Stopwatch.GetElapsedTime(start).TotalSeconds;
        double batchBytes = (double)(GC.GetTotalAllocatedBytes(precise: true) - bytes) / batches;
        return new Sample(rowMicros, rowsPerSecond, rowBytes, batchBytes);
    }

    public static Sample Median(List<Sample> samples)
    {
        static double Mid(IEnumerable<double> v) => v.Order().ElementAt(v.Count() / 2);
        return new Sample(Mid(samples.Select(s => s.RowMicros)), Mid(samples.Select(s => s.RowsPerSecond)), Mid(samples.Select(s => s.RowBytes)), Mid(samples.Select(s => s.BatchBytes)));
    }
}

/// <summary>Sessions of our engine, optionally with a bounded degree of parallelism.</summary>
internal static class EngineSessions
{
    public static InferenceSession Create(byte[] model, int? degreeOfParallelism) => degreeOfParallelism is { } n
        ? OnnxModel.Load(model).CreateSession(new InferenceSessionOptions { MaxDegreeOfParallelism = n })
        : OnnxModel.Load(model).CreateSession();
}
