using System.Text.Json;

namespace ModelOps.Scoring.Validation;

/// <summary>
/// Field names and short string values read as strings that earlier bodies already made: a model's callers send the
/// same names and the same categories in every row, so after the first request each costs a lookup rather than a new
/// string. A slot is picked by a hash of the UTF-8 bytes and overwritten when another text lands on it; a slot lost to
/// a race only costs the allocation the cache would have saved.
/// </summary>
internal static class RecentStrings
{
    private const int Slots = 1024;

    // Longer texts are rarely repeated (free text, ids); they are read as they come.
    private const int MaxBytes = 64;

    private static readonly Entry?[] s_slots = new Entry?[Slots];

    /// <summary>The reader's current string token as a string; throws as <see cref="Utf8JsonReader.GetString"/> does on bytes that are not UTF-8.</summary>
    public static string Read(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > MaxBytes)
        {
            return reader.GetString() ?? string.Empty;
        }

        ReadOnlySpan<byte> utf8 = reader.ValueSpan;
        var hash = new HashCode();
        hash.AddBytes(utf8);
        int slot = (int)((uint)hash.ToHashCode() % Slots);
        if (s_slots[slot] is { } known && utf8.SequenceEqual(known.Utf8))
        {
            return known.Text;
        }

        // Only bytes the reader has decoded are kept, so a match is always valid UTF-8.
        string text = reader.GetString() ?? string.Empty;
        s_slots[slot] = new Entry(utf8.ToArray(), text);
        return text;
    }

    private sealed record Entry(byte[] Utf8, string Text);
}
