using System.Diagnostics;

namespace LocalFunctionsHost.Benchmarks;

/// <summary>Requests per second and latency percentiles of one target at one concurrency.</summary>
internal sealed record LoadResult(string Target, int Concurrency, int Requests, double RequestsPerSecond, double P50Ms, double P99Ms);

/// <summary>
/// A bounded closed-loop load: <c>concurrency</c> callers each send requests back to back until the total is
/// reached; a short warm-up first. Every request must succeed, or the run fails.
/// </summary>
internal static class LoadRun
{
    public static async Task<LoadResult> MeasureAsync(string target, int concurrency, int requests, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        for (int i = 0; i < Math.Min(200, requests / 5); i++)
        {
            await send(cancellationToken);
        }

        double[] latencies = new double[requests];
        int next = -1;
        long started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests)
            {
                long t = Stopwatch.GetTimestamp();
                await send(cancellationToken);
                latencies[index] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
        }));
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Array.Sort(latencies);
        return new LoadResult(target, concurrency, requests, requests / seconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
