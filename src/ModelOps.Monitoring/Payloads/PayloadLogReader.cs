using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ModelOps.Monitoring.Payloads;

/// <summary>What one pass over payload logs read: predictions handed on, refused rows, and lines that were not payload records.</summary>
public sealed record PayloadReadCounts(long Predictions, long Refused, long Unreadable);

/// <summary>
/// Reads payload logs (JSON lines as the scoring app writes them: <c>timestamp</c>, <c>requestId</c>, <c>row</c>,
/// <c>key</c>, <c>version</c>, <c>alias</c>, <c>shadow</c>, <c>features</c>, <c>outputs</c>, <c>errors</c>) in one
/// streaming pass with a buffer the size of the longest line. Each scored row becomes a <see cref="LoggedPrediction"/>;
/// refused rows (<c>errors</c>, no outputs) are counted, and a line that is not a payload record is counted and
/// skipped, so one damaged blob never stops a drift run.
/// </summary>
public sealed class PayloadLogReader
{
    private readonly string? _positiveClass;

    // Payloads of one model repeat the same feature names in the same order: match the bytes, reuse the string.
    private readonly List<(byte[] Utf8, string Name)> _names = [];

    /// <param name="positiveClass">The probability to read as the score; null: the last class of <c>probabilities</c>.</param>
    public PayloadLogReader(string? positiveClass = null) => _positiveClass = positiveClass;

    /// <summary>Reads every line of <paramref name="jsonl"/>, handing each scored row to <paramref name="onPrediction"/>.</summary>
    public async Task<PayloadReadCounts> ReadAsync(Stream jsonl, Action<LoggedPrediction> onPrediction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jsonl);
        ArgumentNullException.ThrowIfNull(onPrediction);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long predictions = 0, refused = 0, unreadable = 0;
        int filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await jsonl.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                bool end = read == 0;
                filled += read;
                int start = 0;
                while (true)
                {
                    int newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                    if (newline < 0 && !(end && start < filled)) break;
                    int length = newline < 0 ? filled - start : newline;
                    ReadOnlySpan<byte> line = buffer.AsSpan(start, length).TrimEnd((byte)'\r');
                    start += newline < 0 ? length : length + 1;
                    if (line.Trim(" \t"u8).IsEmpty) continue;
                    switch (Parse(line, out LoggedPrediction? prediction))
                    {
                        case LineKind.Prediction:
                            predictions++;
                            onPrediction(prediction!);
                            break;
                        case LineKind.Refused:
                            refused++;
                            break;
                        default:
                            unreadable++;
                            break;
                    }
                }

                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
                if (end) break;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new PayloadReadCounts(predictions, refused, unreadable);
    }

    private enum LineKind
    {
        Prediction,
        Refused,
        Unreadable,
    }

    private LineKind Parse(ReadOnlySpan<byte> line, out LoggedPrediction? prediction)
    {
        prediction = null;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return LineKind.Unreadable;
            DateTimeOffset timestamp = default;
            string? requestId = null, key = null, alias = null, label = null;
            int row = 0;
            int? version = null;
            bool shadow = false, errors = false;
            double score = double.NaN;
            Dictionary<string, FeatureValue>? features = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("features"u8))
                {
                    reader.Read();
                    features = reader.TokenType == JsonTokenType.StartObject ? ReadFeatures(ref reader) : Skip(ref reader);
                }
                else if (reader.ValueTextEquals("outputs"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject) (score, label) = ReadOutputs(ref reader);
                    else reader.Skip();
                }
                else if (reader.ValueTextEquals("timestamp"u8)) { reader.Read(); timestamp = reader.GetDateTimeOffset(); }
                else if (reader.ValueTextEquals("requestId"u8)) { reader.Read(); requestId = reader.GetString(); }
                else if (reader.ValueTextEquals("row"u8)) { reader.Read(); row = reader.GetInt32(); }
                else if (reader.ValueTextEquals("key"u8)) { reader.Read(); key = reader.TokenType == JsonTokenType.Null ? null : reader.GetString(); }
                else if (reader.ValueTextEquals("version"u8)) { reader.Read(); version = reader.GetInt32(); }
                else if (reader.ValueTextEquals("alias"u8)) { reader.Read(); alias = reader.GetString(); }
                else if (reader.ValueTextEquals("shadow"u8)) { reader.Read(); shadow = reader.TokenType == JsonTokenType.True; }
                else if (reader.ValueTextEquals("errors"u8)) { reader.Read(); errors = true; reader.Skip(); }
                else { reader.Read(); reader.Skip(); }
            }

            if (errors || requestId is null) return errors ? LineKind.Refused : LineKind.Unreadable;
            if (version is null || double.IsNaN(score)) return LineKind.Refused;
            prediction = new LoggedPrediction(timestamp, requestId, row, key, version.Value, alias, shadow, score, label, features ?? []);
            return LineKind.Prediction;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return LineKind.Unreadable;
        }
    }

    private static Dictionary<string, FeatureValue>? Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }

    private Dictionary<string, FeatureValue> ReadFeatures(ref Utf8JsonReader reader)
    {
        var features = new Dictionary<string, FeatureValue>(_names.Count, StringComparer.Ordinal);
        int position = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = Name(ref reader, position++);
            reader.Read();
            FeatureValue value = reader.TokenType switch
            {
                JsonTokenType.Number => new FeatureValue(reader.GetDouble(), null),
                JsonTokenType.String => new FeatureValue(double.NaN, reader.GetString()),
                JsonTokenType.True => new FeatureValue(1, null),
                JsonTokenType.False => new FeatureValue(0, null),
                _ => FeatureValue.Missing,
            };
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject) reader.Skip();
            features[name] = value;
        }

        return features;
    }

    private string Name(ref Utf8JsonReader reader, int position)
    {
        if (position < _names.Count && reader.ValueTextEquals(_names[position].Utf8)) return _names[position].Name;
        foreach ((byte[] utf8, string known) in _names)
        {
            if (reader.ValueTextEquals(utf8)) return known;
        }

        string name = reader.GetString()!;
        if (_names.Count < 4096) _names.Add((Encoding.UTF8.GetBytes(name), name));
        return name;
    }

    private (double Score, string? Label) ReadOutputs(ref Utf8JsonReader reader)
    {
        double score = double.NaN;
        string? label = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("label"u8))
            {
                reader.Read();
                label = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("probabilities"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    // Without a named class the last one wins: our exports list the positive class last.
                    bool wanted = _positiveClass is null || reader.ValueTextEquals(_positiveClass);
                    reader.Read();
                    if (wanted) score = reader.GetDouble();
                }
            }
            else if (reader.ValueTextEquals("value"u8) && double.IsNaN(score))
            {
                // A regression's value stands in as the score, so its drift can be profiled too.
                reader.Read();
                score = reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : double.NaN;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (score, label);
    }
}
