using ModelOps.Monitoring.Outcomes;
using ModelOps.Monitoring.Payloads;

namespace ModelOps.Monitoring;

/// <summary>
/// One streaming pass over a model's payload logs between two instants (records outside the window, which share an
/// hour's document with records inside it, are passed over), each logged prediction handed on with its outcome if one
/// arrived. Damaged lines are counted, never fatal.
/// </summary>
public sealed class PayloadWindow(IPayloadLog payloads, IOutcomeStore outcomes)
{
    /// <summary>Streams the predictions of [<paramref name="from"/>, <paramref name="to"/>), with outcomes recorded since <paramref name="from"/>.</summary>
    public async Task<PayloadReadCounts> ReadAsync(
        string model, DateTimeOffset from, DateTimeOffset to, string? positiveClass, Action<LoggedPrediction, Outcome?> onPrediction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onPrediction);
        var index = new OutcomeIndex(await outcomes.ListAsync(model, from, cancellationToken).ConfigureAwait(false));
        var reader = new PayloadLogReader(positiveClass);
        long predictions = 0, refused = 0, unreadable = 0;
        await foreach (Stream document in payloads.OpenAsync(model, from, to, cancellationToken).ConfigureAwait(false))
        {
            await using (document.ConfigureAwait(false))
            {
                PayloadReadCounts counts = await reader.ReadAsync(document, p =>
                {
                    if (p.Timestamp >= from && p.Timestamp < to) onPrediction(p, index.Count == 0 ? null : index.Find(p));
                }, cancellationToken).ConfigureAwait(false);
                (predictions, refused, unreadable) = (predictions + counts.Predictions, refused + counts.Refused, unreadable + counts.Unreadable);
            }
        }

        return new PayloadReadCounts(predictions, refused, unreadable);
    }

    /// <summary>The labelled predictions of the window (scored rows with an outcome), in the order logged.</summary>
    public async Task<List<LabelledPrediction>> LabelledAsync(string model, DateTimeOffset from, DateTimeOffset to, string? positiveClass, CancellationToken cancellationToken)
    {
        var labelled = new List<LabelledPrediction>();
        await ReadAsync(model, from, to, positiveClass, (p, o) =>
        {
            if (o is not null) labelled.Add(new LabelledPrediction(p, o));
        }, cancellationToken).ConfigureAwait(false);
        return labelled;
    }
}
