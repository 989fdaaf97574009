using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace Scoring.Benchmarks;

/// <summary>
/// The cost of one single-row request without any HTTP: what the scoring service spends (read, route, validate,
/// score, log) against what ONNX Runtime alone spends on the same row in the peer's way. It tells how much of a
/// gap over HTTP is the scoring itself and how much the Functions pipeline around it.
/// </summary>
internal static class InProcessCost
{
    /// <summary>How long calls run unmeasured first: long enough for tiered compilation to re-compile the hot methods.</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    /// <summary>Median and 99th percentile in microseconds of <paramref name="requests"/> sequential calls after a warm-up.</summary>
    public static async Task<(double P50Us, double P99Us)> MeasureAsync(int requests, Func<int, ValueTask> call)
    {
        long warming = Stopwatch.GetTimestamp();
        for (int i = 0; Stopwatch.GetElapsedTime(warming) < WarmUp; i++)
        {
            await call(i);
        }

        var micros = new double[requests];
        for (int i = 0; i < requests; i++)
        {
            long t = Stopwatch.GetTimestamp();
            await call(i);
            micros[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
        }

        Array.Sort(micros);
        return (micros[requests / 2], micros[Math.Clamp((int)Math.Ceiling(0.99 * requests) - 1, 0, requests - 1)]);
    }

    /// <summary>What the peer does per request: parse the row, build one tensor per input, run, read label and probabilities.</summary>
    public static PeerScore ScoreWithOnnxRuntime(InferenceSession session, ReadOnlyMemory<byte> body)
    {
        using JsonDocument row = JsonDocument.Parse(body);
        return MinimalApiPeer.Score(session, row.RootElement);
    }
}
