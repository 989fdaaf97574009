using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ModelOps.Scoring.Payloads;

namespace ModelOps.Scoring.Tests;

/// <summary>Payload batches kept in memory; <see cref="Gate"/>, while set, holds every write (a slow store).</summary>
internal sealed class MemoryPayloadSink : IPayloadSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public TaskCompletionSource? Gate { get; set; }

    public IReadOnlyList<JsonElement> Records => _lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();

    /// <summary>How many records each write carried, in the order written.</summary>
    public ConcurrentQueue<int> Batches { get; } = new();

    public async Task WriteAsync(string model, DateTimeOffset hour, ReadOnlyMemory<byte> jsonl, int count, CancellationToken cancellationToken)
    {
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        foreach (string line in Encoding.UTF8.GetString(jsonl.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            _lines.Enqueue(line);
        }

        Batches.Enqueue(count);
    }
}
