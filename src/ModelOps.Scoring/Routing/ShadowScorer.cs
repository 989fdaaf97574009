using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ModelOps.Scoring.Cache;
using ModelOps.Scoring.Payloads;
using ModelOps.Scoring.Telemetry;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring.Routing;

/// <summary>Rows to score on a shadow alias after the request has been answered.</summary>
public sealed record ShadowWork(string Model, string Alias, string RequestId, IReadOnlyList<BodyRow> Rows, string? KeyField);

/// <summary>
/// Scores shadow work off the request path: a bounded queue (<see cref="Capacity"/>) that drops and counts when
/// full, one background reader, results only in the payload log — never in a response.
/// </summary>
public sealed class ShadowScorer : IAsyncDisposable
{
    private readonly ModelCache _cache;
    private readonly PayloadLogger _payloads;
    private readonly ScoringMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly Channel<ShadowWork> _queue;
    private readonly Task _reader;
    private long _dropped;

    public ShadowScorer(ModelCache cache, PayloadLogger payloads, ScoringMetrics metrics, ILogger<ShadowScorer> logger, TimeProvider clock, int capacity = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _cache = cache;
        _payloads = payloads;
        _metrics = metrics;
        _logger = logger;
        _clock = clock;
        Capacity = capacity;
        _queue = Channel.CreateBounded<ShadowWork>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>The most requests waiting for shadow scoring.</summary>
    public int Capacity { get; }

    /// <summary>Shadow requests dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues work without waiting; false (counted) when the queue is full.</summary>
    public bool TryEnqueue(ShadowWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_queue.Writer.TryWrite(work))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        _metrics.ShadowDropped(work.Model);
        ScoringLog.ShadowDropped(_logger, work.Model);
        return false;
    }

    /// <summary>Stops taking work and finishes what is queued.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _reader.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task ReadLoopAsync()
    {
        await foreach (ShadowWork work in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await ScoreAsync(work).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // A shadow failure must not stop the loop or reach a caller.
                ScoringLog.ShadowFailed(_logger, work.Model, work.Alias, e);
            }
        }
    }

    private async Task ScoreAsync(ShadowWork work)
    {
        long started = _clock.GetTimestamp();
        using ModelLease lease = await _cache.AcquireAsync(work.Model, work.Alias, CancellationToken.None).ConfigureAwait(false);
        LoadedModel model = lease.Model;
        try
        {
            ValidatedRows rows = RowValidator.Validate(work.Rows, model.Schema, work.KeyField);
            IReadOnlyList<RowOutputs> outputs = model.Score(rows, CancellationToken.None);
            double ms = _clock.GetElapsedTime(started).TotalMilliseconds;
            for (int r = 0; r < outputs.Count; r++)
            {
                if (_payloads.Sample())
                {
                    _payloads.Log(new PayloadRecord(_clock.GetUtcNow(), work.RequestId, work.Model, r, rows.Keys[r], work.Rows[r].Fields, outputs[r],
                        model.Version, work.Alias, model.Session.Engine.ToString(), ms, Shadow: true));
                }
            }
        }
        catch (ScoringValidationException e)
        {
            _payloads.Log(new PayloadRecord(_clock.GetUtcNow(), work.RequestId, work.Model, -1, null, null, null, model.Version, work.Alias,
                model.Session.Engine.ToString(), _clock.GetElapsedTime(started).TotalMilliseconds, Shadow: true, Errors: e.Errors));
        }
    }
}
