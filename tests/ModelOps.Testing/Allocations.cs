namespace ModelOps.Testing;

/// <summary>Heap bytes a warm call allocates on the calling thread (a count, not a time: deterministic for a given runtime).</summary>
public static class Allocations
{
    /// <summary>
    /// The steady-state bytes of one call: the smallest average over a few rounds of calls, so that a one-off
    /// allocation in the runtime during one round (tiered compilation, a lazily grown pool) is not counted as per-call.
    /// </summary>
    public static long PerCall(Action call)
    {
        ArgumentNullException.ThrowIfNull(call);
        for (int i = 0; i < 10; i++) call();
        const int calls = 200;
        const int rounds = 5;
        long smallest = long.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++) call();
            smallest = Math.Min(smallest, (GC.GetAllocatedBytesForCurrentThread() - before) / calls);
        }

        return smallest;
    }
}
