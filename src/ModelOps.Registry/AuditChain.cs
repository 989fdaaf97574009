using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ModelOps.Registry;

/// <summary>
/// Builds and checks the audit hash chain. The canonical form of an entry is a JSON object with a fixed
/// property order (sequence, model, action, principal, reason, at as ISO-8601 UTC with ticks, before,
/// after, previous hash); its SHA-256 is the entry's hash and its HMAC-SHA256 under the key is the seal.
/// </summary>
public sealed class AuditChain
{
    private readonly byte[] _key;

    /// <summary>Creates a chain sealed with <paramref name="key"/> (at least 32 bytes).</summary>
    public AuditChain(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new ArgumentException("The audit key must be at least 32 bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>The entry that follows <paramref name="previous"/> (null when the log is empty).</summary>
    public AuditEntry Next(AuditEntry? previous, string model, string action, string principal, string reason, DateTimeOffset at, string before, string after) =>
        Next(previous?.Sequence ?? 0, previous?.Hash ?? string.Empty, model, action, principal, reason, at, before, after);

    /// <summary>The entry that follows the log's <paramref name="head"/> (null when the log is empty).</summary>
    public AuditEntry Next(AuditHead? head, string model, string action, string principal, string reason, DateTimeOffset at, string before, string after) =>
        Next(head?.Sequence ?? 0, head?.Hash ?? string.Empty, model, action, principal, reason, at, before, after);

    private AuditEntry Next(long previousSequence, string previousHash, string model, string action, string principal, string reason, DateTimeOffset at, string before, string after)
    {
        var unsealed = new AuditEntry(
            previousSequence + 1, model, action, principal, reason, at.ToUniversalTime(), before, after,
            previousHash, string.Empty, string.Empty);
        byte[] canonical = Canonical(unsealed);
        return unsealed with
        {
            Hash = Convert.ToHexStringLower(SHA256.HashData(canonical)),
            Hmac = Convert.ToHexStringLower(HMACSHA256.HashData(_key, canonical)),
        };
    }

    /// <summary>The sealed head marker for a log that ends with <paramref name="last"/>.</summary>
    public AuditHead HeadOf(AuditEntry last)
    {
        ArgumentNullException.ThrowIfNull(last);
        return new AuditHead(last.Sequence, last.Hash, HeadSeal(last.Model, last.Sequence, last.Hash));
    }

    private string HeadSeal(string model, long sequence, string hash) => Convert.ToHexStringLower(HMACSHA256.HashData(
        _key, System.Text.Encoding.UTF8.GetBytes($"audit-head\n{model}\n{sequence.ToString(CultureInfo.InvariantCulture)}\n{hash}")));

    /// <summary>
    /// Checks a model's entries in stored order and reports the first that breaks the chain: a sequence
    /// number out of place (deleted, inserted or reordered entries), a previous-hash that does not match the
    /// entry before, a hash that does not match the content (edited), or a seal that does not match (forged).
    /// </summary>
    /// When <paramref name="head"/> is given, a log that does not end at the sealed head (its last entries deleted) is broken
    /// at the position after its last entry.
    public AuditVerification Verify(string model, IReadOnlyList<AuditEntry> entries, AuditHead? head = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        string previousHash = string.Empty;
        for (int i = 0; i < entries.Count; i++)
        {
            AuditEntry entry = entries[i];
            string? problem = null;
            if (entry.Sequence != i + 1)
            {
                problem = $"expected sequence {i + 1} at this position, found {entry.Sequence} (an entry was deleted, inserted or moved)";
            }
            else if (entry.Model != model)
            {
                problem = $"the entry belongs to model '{entry.Model}'";
            }
            else if (!FixedTimeEquals(entry.PreviousHash, previousHash))
            {
                problem = "its previous-hash does not match the entry before it";
            }
            else
            {
                byte[] canonical = Canonical(entry);
                if (!FixedTimeEquals(entry.Hash, Convert.ToHexStringLower(SHA256.HashData(canonical))))
                {
                    problem = "its content does not match its hash (edited)";
                }
                else if (!FixedTimeEquals(entry.Hmac, Convert.ToHexStringLower(HMACSHA256.HashData(_key, canonical))))
                {
                    problem = "its seal does not match the audit key (forged or re-hashed)";
                }
            }

            if (problem is not null)
            {
                return new AuditVerification(model, i + 1, false, entry.Sequence, i, problem);
            }

            previousHash = entry.Hash;
        }

        if (head is not null)
        {
            long lastSequence = entries.Count == 0 ? 0 : entries[^1].Sequence;
            if (!FixedTimeEquals(head.Seal, HeadSeal(model, head.Sequence, head.Hash)))
            {
                return new AuditVerification(model, entries.Count, false, head.Sequence, entries.Count, "the log's head marker does not match the audit key (forged)");
            }

            if (head.Sequence != lastSequence || !FixedTimeEquals(head.Hash, previousHash))
            {
                return new AuditVerification(model, entries.Count, false, lastSequence + 1, entries.Count,
                    $"the log ends at sequence {lastSequence} but its head marker says {head.Sequence} (the last entries were deleted)");
            }
        }

        return new AuditVerification(model, entries.Count, true, null, null, null);
    }

    internal static byte[] Canonical(AuditEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("sequence", entry.Sequence);
            json.WriteString("model", entry.Model);
            json.WriteString("action", entry.Action);
            json.WriteString("principal", entry.Principal);
            json.WriteString("reason", entry.Reason);
            json.WriteString("at", entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("before", entry.Before);
            json.WriteString("after", entry.After);
            json.WriteString("previousHash", entry.PreviousHash);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
