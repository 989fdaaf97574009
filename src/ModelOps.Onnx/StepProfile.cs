using System.Diagnostics;

namespace ModelOps.Onnx;

/// <summary>
/// Time and bytes allocated per plan step, summed over the runs of a session that carries it. One caller at a time:
/// it exists to find the operators a benchmark model spends its time in, not for production calls.
/// </summary>
internal sealed class StepProfile(int steps)
{
    private long _bytesAtStart;

    public long[] Ticks { get; } = new long[steps];

    public long[] Bytes { get; } = new long[steps];

    public long Start()
    {
        _bytesAtStart = GC.GetAllocatedBytesForCurrentThread();
        return Stopwatch.GetTimestamp();
    }

    public void Stop(int step, long started)
    {
        Ticks[step] += Stopwatch.GetTimestamp() - started;
        Bytes[step] += GC.GetAllocatedBytesForCurrentThread() - _bytesAtStart;
    }
}
