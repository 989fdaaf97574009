using System.Diagnostics;
using System.Globalization;
using ModelOps.Onnx;

namespace ModelOps.Benchmarks;

/// <summary>
/// <c>onnx-profile TELCO.csv [SPEC.json] [--only NAME]</c>: where our engine spends a call, step by step, on the models of
/// <c>onnx-vs-ort</c> (one thread): microseconds and bytes allocated per 10,000-row batch and per single row, the
/// steps sorted by batch time. Finds the operator to work on next; the ratios against ONNX Runtime stay in onnx-vs-ort.
/// </summary>
internal static class EngineProfiling
{
    private const int Batches = 10, Rows = 2000;

    public static int Run(string telcoCsv, string specPath, string? only)
    {
        foreach (BenchmarkCase c in EngineVersusOrt.Cases(telcoCsv, specPath).Where(c => only is null || c.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            Onnx.InferenceSession session = EngineSessions.Create(c.Model, 1);
            // Long enough for tiered compilation to promote every kernel the batch runs.
            var warm = Stopwatch.StartNew();
            for (int i = 0; warm.ElapsedMilliseconds < 1500; i++)
            {
                session.Run(c.Rows[i % BenchmarkCase.SingleRows]);
                if (i % 100 == 0) session.Run(c.Batch);
            }

            long plain = Stopwatch.GetTimestamp();
            for (int i = 0; i < Batches; i++) session.Run(c.Batch);
            double plainMicros = Stopwatch.GetElapsedTime(plain).TotalMicroseconds / Batches;

            IReadOnlyList<(string Label, string Kernel)> names = session.StepNames;
            StepProfile batch = Measure(session, names.Count, Batches, _ => c.Batch, out double batchMicros, out long batchBytes);
            StepProfile row = Measure(session, names.Count, Rows, i => c.Rows[i % BenchmarkCase.SingleRows], out double rowMicros, out long rowBytes);

            static string F(double v) => v.ToString("N1", CultureInfo.InvariantCulture);
            Console.WriteLine();
            Console.WriteLine($"{c.Name}: {names.Count} steps; batch {F(plainMicros)} µs unprofiled, {F(batchMicros / Batches)} µs profiled, {batchBytes / Batches:N0} B per call; 1-row {F(rowMicros / Rows)} µs, {rowBytes / Rows:N0} B per call");
            Console.WriteLine($"  {"step",-40} {"kernel",-32} {"batch µs",10} {"batch B",12} {"1-row µs",9} {"1-row B",8}");
            foreach (int s in Enumerable.Range(0, names.Count).OrderByDescending(s => batch.Ticks[s]).Take(25))
            {
                string label = names[s].Label.Length > 40 ? names[s].Label[..40] : names[s].Label;
                Console.WriteLine($"  {label,-40} {names[s].Kernel,-32} {F(Micros(batch.Ticks[s]) / Batches),10} {batch.Bytes[s] / Batches,12:N0} {F(Micros(row.Ticks[s]) / Rows),9} {row.Bytes[s] / Rows,8:N0}");
            }
        }

        return 0;
    }

    private static StepProfile Measure(Onnx.InferenceSession session, int steps, int calls, Func<int, IReadOnlyDictionary<string, Tensor>> input, out double micros, out long bytes)
    {
        var profile = new StepProfile(steps);
        session.Profile = profile;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++) session.Run(input(i));
        micros = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        session.Profile = null;
        return profile;
    }

    private static double Micros(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
}
