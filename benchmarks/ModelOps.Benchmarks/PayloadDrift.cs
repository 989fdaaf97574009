using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ModelOps.Learning.Drift;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring;
using ModelOps.Monitoring.Drift;
using ModelOps.Monitoring.Outcomes;
using ModelOps.Monitoring.Payloads;

namespace ModelOps.Benchmarks;

/// <summary>
/// <c>payload-drift [ROWS] [FOLDER]</c>: a day of payload logs (default 1,000,000 rows × 20 features — 15 numeric, 5
/// categorical — in 24 hourly JSONL files, the scoring app's line format, the second half shifted) profiled in one
/// streaming pass against a baseline profile, as the monitoring timer does. Prints the time, rows/s, bytes allocated
/// and the peak working set, and the same run's floor: reading the same files and splitting lines without parsing.
/// </summary>
internal static class PayloadDrift
{
    private const int Numeric = 15, Categorical = 5;

    public static int Run(string[] args)
    {
        int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        string folder = args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "modelops-payload-drift");
        Directory.CreateDirectory(folder);
        string[] files = Generate(folder, rows);
        long bytes = files.Sum(f => new FileInfo(f).Length);
        BaselineProfile baseline = Baseline();
        var log = new FolderPayloadLog(files);
        var window = new PayloadWindow(log, new NoOutcomes());

        Profile(window, baseline); // warm-up (and the page cache)
        long floorLines = 0;
        var floor = Stopwatch.StartNew();
        foreach (string file in files) floorLines += CountLines(file);
        floor.Stop();

        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        DriftWindow report = Profile(window, baseline);
        watch.Stop();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"payload drift: {report.Rows:N0} rows x {Numeric + Categorical} features ({bytes / 1e6:F0} MB JSONL, {files.Length} files) in {watch.Elapsed.TotalSeconds:F2} s = {report.Rows / watch.Elapsed.TotalSeconds:N0} rows/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  allocated {allocated / 1e6:F0} MB ({(double)allocated / report.Rows:F0} B/row), peak working set {peak / 1e6:F0} MB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  floor (read + split lines, no parsing): {floorLines:N0} lines in {floor.Elapsed.TotalSeconds:F2} s; drift / floor = {watch.Elapsed.TotalSeconds / floor.Elapsed.TotalSeconds:F1}x"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  drifted: {string.Join(", ", report.Features.DrivenBy)}; score PSI {report.Prediction?.Score:F3}"));
        return 0;
    }

    private static DriftWindow Profile(PayloadWindow window, BaselineProfile baseline)
    {
        var profile = new WindowProfile(baseline);
        DateTimeOffset from = Day, to = Day.AddDays(1);
        window.ReadAsync("bench", from, to, null, (p, _) => profile.Add(p), CancellationToken.None).GetAwaiter().GetResult();
        return profile.Report("bench", 1, from, to, new MonitoringPolicy());
    }

    private static readonly DateTimeOffset Day = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Levels = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];

    private static BaselineProfile Baseline()
    {
        var random = new Random(3);
        NumericProfile[] numeric = Enumerable.Range(0, Numeric).Select(c =>
            NumericProfile.FromReference("n" + c.ToString(CultureInfo.InvariantCulture), Enumerable.Range(0, 20_000).Select(_ => Normal(random) * (c + 1)).ToArray())).ToArray();
        CategoricalProfile[] categorical = Enumerable.Range(0, Categorical).Select(c =>
            CategoricalProfile.FromReference("c" + c.ToString(CultureInfo.InvariantCulture), Enumerable.Range(0, 20_000).Select(_ => Levels[random.Next(Levels.Length)]))).ToArray();
        return new BaselineProfile(numeric, categorical, NumericProfile.FromReference("score", Enumerable.Range(0, 20_000).Select(_ => random.NextDouble()).ToArray()));
    }

    /// <summary>24 hourly files; from hour 12 the first five numeric features shift by one sd and one category takes over.</summary>
    private static string[] Generate(string folder, int rows)
    {
        var files = new string[24];
        var random = new Random(5);
        int perHour = rows / 24;
        for (int hour = 0; hour < 24; hour++)
        {
            files[hour] = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{rows}-{hour:D2}.jsonl"));
            if (File.Exists(files[hour])) continue;
            using var stream = new FileStream(files[hour], FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            int count = hour == 23 ? rows - (perHour * 23) : perHour;
            bool shifted = hour >= 12;
            for (int r = 0; r < count; r++)
            {
                using (var writer = new Utf8JsonWriter(stream))
                {
                    DateTimeOffset at = Day.AddHours(hour).AddMilliseconds(r * 3_600_000.0 / count);
                    writer.WriteStartObject();
                    writer.WriteString("timestamp", at);
                    writer.WriteString("requestId", string.Create(CultureInfo.InvariantCulture, $"{hour:D2}{r:D8}"));
                    writer.WriteString("model", "bench");
                    writer.WriteNumber("row", 0);
                    writer.WriteString("key", string.Create(CultureInfo.InvariantCulture, $"k{r}"));
                    writer.WriteNumber("version", 1);
                    writer.WriteString("alias", "champion");
                    writer.WriteString("engine", "ModelOps");
                    writer.WriteNumber("latencyMs", 0.21);
                    writer.WriteStartObject("features");
                    for (int c = 0; c < Numeric; c++)
                    {
                        writer.WriteNumber("n" + c.ToString(CultureInfo.InvariantCulture), Math.Round(((Normal(random) + (shifted && c < 5 ? 1 : 0)) * (c + 1)), 4));
                    }

                    for (int c = 0; c < Categorical; c++)
                    {
                        writer.WriteString("c" + c.ToString(CultureInfo.InvariantCulture), shifted && c == 0 && random.NextDouble() < 0.6 ? "alpha" : Levels[random.Next(Levels.Length)]);
                    }

                    writer.WriteEndObject();
                    double p = random.NextDouble();
                    writer.WriteStartObject("outputs");
                    writer.WriteString("label", p >= 0.5 ? "yes" : "no");
                    writer.WriteStartObject("probabilities");
                    writer.WriteNumber("no", Math.Round(1 - p, 6));
                    writer.WriteNumber("yes", Math.Round(p, 6));
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                stream.WriteByte((byte)'\n');
            }
        }

        return files;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static long CountLines(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 16];
        long lines = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0) lines += buffer.AsSpan(0, read).Count((byte)'\n');
        return lines;
    }

    private sealed class FolderPayloadLog(string[] files) : IPayloadLog
    {
        public async IAsyncEnumerable<Stream> OpenAsync(string model, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            foreach (string file in files) yield return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: false);
        }
    }

    private sealed class NoOutcomes : IOutcomeStore
    {
        public Task SaveAsync(string model, IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<Outcome>> ListAsync(string model, DateTimeOffset since, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Outcome>>([]);
    }
}
