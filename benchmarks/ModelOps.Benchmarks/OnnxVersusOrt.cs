using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using ModelOps.Onnx;

namespace ModelOps.Benchmarks;

/// <summary>
/// <c>onnx-vs-ort</c>: single-row latency and 10,000-row batch throughput, single-threaded, for our engine and
/// onnxruntime-node on the same model files and inputs, measured in the same run; prints the ratios.
/// </summary>
internal static class OnnxVersusOrt
{
    private const int BatchRows = 10_000;

    public static int Run(string repositoryRoot)
    {
        string folder = Directory.CreateTempSubdirectory("onnx-bench-").FullName;
        try
        {
            var models = new (string Name, byte[] Bytes)[] { ("gbdt-100x6", BenchmarkModels.GradientBoostedTrees()), ("scaler+logistic", BenchmarkModels.LogisticRegression()) };
            float[] rows = BenchmarkModels.Rows(BatchRows);
            string inputs = Path.Combine(folder, "rows.bin");
            File.WriteAllBytes(inputs, MemoryMarshal.AsBytes(rows.AsSpan()).ToArray());
            var paths = new List<string>();
            foreach ((string name, byte[] bytes) in models)
            {
                string path = Path.Combine(folder, name + ".onnx");
                File.WriteAllBytes(path, bytes);
                paths.Add(path);
            }

            JsonElement peer = RunPeer(repositoryRoot, inputs, paths);
            Console.WriteLine("model              ours 1-row µs   ORT 1-row µs   ratio (≤0.5 target)   ours rows/s    ORT rows/s     ratio (≥1 target)");
            for (int m = 0; m < models.Length; m++)
            {
                (double single, double throughput) = Measure(models[m].Bytes, rows);
                double ortSingle = peer[m].GetProperty("singleRowMicros").GetDouble();
                double ortThroughput = peer[m].GetProperty("batchRowsPerSecond").GetDouble();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{models[m].Name,-18} {single,13:F2}   {ortSingle,12:F2}   {single / ortSingle,19:F2}   {throughput,12:N0}   {ortThroughput,12:N0}   {throughput / ortThroughput,17:F2}"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (double SingleRowMicros, double RowsPerSecond) Measure(byte[] model, float[] rows)
    {
        InferenceSession session = OnnxModel.Load(model).CreateSession();
        int features = BenchmarkModels.Features;
        var one = new Dictionary<string, Tensor>(1);
        // Warm up for a fixed time, not a fixed count, so tiered compilation has promoted the hot paths.
        var warm = Stopwatch.StartNew();
        for (int i = 0; warm.ElapsedMilliseconds < 1500; i++)
        {
            one["features"] = Tensor.FromFloats(rows.AsSpan((i % 1000) * features, features).ToArray(), 1, features);
            session.Run(one);
            if (i % 5000 == 0)
            {
                session.Run(new Dictionary<string, Tensor> { ["features"] = Tensor.FromFloats(rows, BatchRows, features) });
            }
        }

        const int calls = 20_000;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < calls; i++)
        {
            one["features"] = Tensor.FromFloats(rows.AsSpan((i % 1000) * features, features).ToArray(), 1, features);
            session.Run(one);
        }

        double single = watch.Elapsed.TotalMilliseconds * 1000 / calls;
        var batch = new Dictionary<string, Tensor> { ["features"] = Tensor.FromFloats(rows, BatchRows, features) };
        for (int i = 0; i < 3; i++)
        {
            session.Run(batch);
        }

        const int batches = 20;
        watch.Restart();
        for (int i = 0; i < batches; i++)
        {
            session.Run(batch);
        }

        return (single, BatchRows * batches / watch.Elapsed.TotalSeconds);
    }

    private static JsonElement RunPeer(string root, string inputs, List<string> models)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ort", "bench.js"));
        info.ArgumentList.Add(inputs);
        info.ArgumentList.Add(BenchmarkModels.Features.ToString(CultureInfo.InvariantCulture));
        foreach (string model in models)
        {
            info.ArgumentList.Add(model);
        }

        info.Environment["NODE_PATH"] = Path.Combine(root, "node_modules");
        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("onnxruntime-node benchmark failed: " + error);
        }

        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
