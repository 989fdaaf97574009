using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ModelOps.Scoring.Telemetry;

namespace ModelOps.Scoring.Payloads;

/// <summary>
/// Buffers payload records in a bounded queue and writes them in batches (JSONL per model and hour) through an
/// <see cref="IPayloadSink"/>. Scoring never waits on it: when the buffer is full a record is dropped and counted.
/// Rows are sampled at <see cref="PayloadOptions.SampleRate"/>; records with errors are always kept. A batch is
/// written <see cref="BatchWindow"/> after its first record came in (at once when a full
/// <see cref="PayloadOptions.BatchSize"/> is already waiting), so steady traffic makes a few large blobs rather than
/// one small blob per request, and the storage writes do not take the CPU scoring needs. Stopping
/// (<see cref="StopAsync"/> or disposing) writes everything buffered at once.
/// </summary>
public sealed class PayloadLogger : IAsyncDisposable
{
    /// <summary>How long the first record of a batch waits for more before the batch is written.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromSeconds(1);

    private readonly IPayloadSink _sink;
    private readonly PayloadOptions _options;
    private readonly ScoringMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<PayloadRecord> _queue;
    private readonly Task _writer;
    private long _dropped;

    public PayloadLogger(IPayloadSink sink, PayloadOptions options, ScoringMetrics metrics, ILogger<PayloadLogger> logger, Random? random = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _sink = sink;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _random = random ?? new Random();
        _clock = clock ?? TimeProvider.System;
        _queue = Channel.CreateBounded<PayloadRecord>(new BoundedChannelOptions(options.Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Records dropped since start (buffer full, or a batch that could not be written).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>True when a scored row should be logged (always for a record with errors).</summary>
    public bool Sample()
    {
        if (_options.SampleRate >= 1)
        {
            return true;
        }

        lock (_random)
        {
            return _random.NextDouble() < _options.SampleRate;
        }
    }

    /// <summary>Queues a record without waiting; false (and counted) when the buffer is full or logging has stopped.</summary>
    public bool Log(PayloadRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_queue.Writer.TryWrite(record))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        _metrics.PayloadsDropped(record.Model, 1);
        ScoringLog.PayloadDropped(_logger, record.Model);
        return false;
    }

    /// <summary>Stops taking records and writes everything buffered (the host's StopAsync).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PayloadRecord>(_options.BatchSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (_queue.Reader.Count < _options.BatchSize && !_stopping.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(BatchWindow, _clock, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: what is buffered is written now.
                }
            }

            while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out PayloadRecord? record))
            {
                batch.Add(record);
            }

            foreach (var group in batch.GroupBy(r => (r.Model, Hour: Hour(r.Timestamp))))
            {
                await WriteAsync(group.Key.Model, group.Key.Hour, group.ToList()).ConfigureAwait(false);
            }

            batch.Clear();
        }
    }

    private async Task WriteAsync(string model, DateTimeOffset hour, List<PayloadRecord> records)
    {
        var buffer = new ArrayBufferWriter<byte>(records.Count * 512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            foreach (PayloadRecord record in records)
            {
                record.WriteTo(json);
                json.Flush();
                buffer.Write("\n"u8);
                json.Reset(buffer);
            }
        }

        try
        {
            await _sink.WriteAsync(model, hour, buffer.WrittenMemory, records.Count, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Logging must never take scoring down: the batch is lost, counted and logged.
            Interlocked.Add(ref _dropped, records.Count);
            _metrics.PayloadsDropped(model, records.Count);
            ScoringLog.PayloadWriteFailed(_logger, model, records.Count, e);
        }
    }

    private static DateTimeOffset Hour(DateTimeOffset t)
    {
        DateTimeOffset utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}
