using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ModelOps.Scoring.Telemetry;

namespace ModelOps.Scoring.Payloads;

/// <summary>
/// Buffers payload records and writes them in batches (JSONL per model and hour) through an <see cref="IPayloadSink"/>.
/// Scoring never waits on it: when <see cref="PayloadOptions.Capacity"/> records are held (queued, or serialised and
/// not yet written) a record is dropped and counted. Rows are sampled at <see cref="PayloadOptions.SampleRate"/>;
/// records with errors are always kept. A batch is written <see cref="BatchWindow"/> after its first record was taken
/// (at once when it holds <see cref="PayloadOptions.BatchSize"/>), so steady traffic makes a few large blobs rather
/// than one small blob per request. Stopping (<see cref="StopAsync"/> or disposing) writes everything held at once.
/// </summary>
/// <remarks>
/// One loop takes what is queued every <see cref="DrainInterval"/> and serialises it into the open batch's buffer
/// straight away, and another writes the batches that are done, so a record (and the request's fields it points to)
/// is garbage within milliseconds, however long a write takes, rather than surviving collections for a whole batch
/// window and ageing into the oldest generation; the batch buffers are reused.
/// </remarks>
public sealed class PayloadLogger : IAsyncDisposable
{
    /// <summary>How long a batch waits for more records after its first before it is written.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromSeconds(1);

    /// <summary>How often the writer takes the records queued since it last looked (one wake-up per interval, not per record).</summary>
    public static readonly TimeSpan DrainInterval = TimeSpan.FromMilliseconds(50);

    // Buffers kept for the next batches once written; a batch buffer grows to its batch's size once and is then reused.
    private const int SpareBuffers = 2;

    private readonly IPayloadSink _sink;
    private readonly PayloadOptions _options;
    private readonly ScoringMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<PayloadRecord> _queue = Channel.CreateUnbounded<PayloadRecord>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<(string Model, DateTimeOffset Hour), Batch> _open = [];
    private readonly List<Batch> _full = [];
    private readonly Channel<Batch> _done = Channel.CreateUnbounded<Batch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ConcurrentStack<ArrayBufferWriter<byte>> _spare = new();
    private readonly Task _writer;
    private long _held;
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
        _writer = Task.WhenAll(Task.Run(TakeLoopAsync), Task.Run(WriteLoopAsync));
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
        if (Interlocked.Increment(ref _held) <= _options.Capacity && _queue.Writer.TryWrite(record))
        {
            return true;
        }

        Interlocked.Decrement(ref _held);
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

    private async Task TakeLoopAsync()
    {
        bool open = true;
        while (open)
        {
            open = await WaitAsync().ConfigureAwait(false);
            Take();
            bool all = !open || _stopping.IsCancellationRequested;
            DateTimeOffset now = _clock.GetUtcNow();
            foreach (Batch due in _open.Values.Where(b => all || now - b.Started >= BatchWindow).ToList())
            {
                _open.Remove((due.Model, due.Hour));
                _full.Add(due);
            }

            foreach (Batch batch in _full)
            {
                _done.Writer.TryWrite(batch);
            }

            _full.Clear();
            if (open && !_stopping.IsCancellationRequested)
            {
                await PauseAsync(DrainInterval).ConfigureAwait(false);
            }
        }

        _done.Writer.TryComplete();
    }

    private async Task WriteLoopAsync()
    {
        await foreach (Batch batch in _done.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await WriteAsync(batch).ConfigureAwait(false);
        }
    }

    /// <summary>Until a record is queued or the oldest open batch is due; false once logging has stopped and the queue is empty.</summary>
    private async Task<bool> WaitAsync()
    {
        if (_open.Count == 0)
        {
            return await _queue.Reader.WaitToReadAsync().ConfigureAwait(false);
        }

        TimeSpan due = _open.Values.Min(b => b.Started) + BatchWindow - _clock.GetUtcNow();
        if (due <= TimeSpan.Zero)
        {
            return true;
        }

        using var timeout = new CancellationTokenSource(due, _clock);
        try
        {
            return await _queue.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return true;
        }
    }

    private async Task PauseAsync(TimeSpan pause)
    {
        try
        {
            await Task.Delay(pause, _clock, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: what is held is written now.
        }
    }

    /// <summary>Serialises every queued record into its model and hour's open batch; a batch that fills is set aside to be written.</summary>
    private void Take()
    {
        while (_queue.Reader.TryRead(out PayloadRecord? record))
        {
            (string, DateTimeOffset) key = (record.Model, Hour(record.Timestamp));
            if (!_open.TryGetValue(key, out Batch? batch))
            {
                _open[key] = batch = new Batch(record.Model, key.Item2, _clock.GetUtcNow(), _spare.TryPop(out ArrayBufferWriter<byte>? spare) ? spare : new(64 * 1024));
            }

            batch.Add(record);
            if (batch.Count >= _options.BatchSize)
            {
                _open.Remove(key);
                _full.Add(batch);
            }
        }
    }

    private async Task WriteAsync(Batch batch)
    {
        try
        {
            await _sink.WriteAsync(batch.Model, batch.Hour, batch.Buffer.WrittenMemory, batch.Count, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Logging must never take scoring down: the batch is lost, counted and logged.
            Interlocked.Add(ref _dropped, batch.Count);
            _metrics.PayloadsDropped(batch.Model, batch.Count);
            ScoringLog.PayloadWriteFailed(_logger, batch.Model, batch.Count, e);
        }

        Interlocked.Add(ref _held, -batch.Count);
        batch.Json.Dispose();
        if (_spare.Count < SpareBuffers)
        {
            batch.Buffer.ResetWrittenCount();
            _spare.Push(batch.Buffer);
        }
    }

    /// <summary>One model and hour's records as JSONL, in a buffer of its own.</summary>
    private sealed class Batch(string model, DateTimeOffset hour, DateTimeOffset started, ArrayBufferWriter<byte> buffer)
    {
        public string Model => model;

        public DateTimeOffset Hour => hour;

        public DateTimeOffset Started => started;

        public ArrayBufferWriter<byte> Buffer => buffer;

        public Utf8JsonWriter Json { get; } = new(buffer);

        public int Count { get; private set; }

        public void Add(PayloadRecord record)
        {
            record.WriteTo(Json);
            Json.Flush();
            buffer.Write("\n"u8);
            Json.Reset(buffer);
            Count++;
        }
    }

    private static DateTimeOffset Hour(DateTimeOffset t)
    {
        DateTimeOffset utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}
