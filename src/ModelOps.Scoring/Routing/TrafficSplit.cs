using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ModelOps.Registry;

namespace ModelOps.Scoring.Routing;

/// <summary>
/// Assigns a row to an alias by weight. With a key the assignment is sticky and the same in every process: the
/// first 8 bytes of SHA-256(model, NUL, key) modulo the total weight pick the alias. Without a key it is random.
/// </summary>
public static class TrafficSplit
{
    /// <summary>The alias for a row with entity key <paramref name="key"/> (null: drawn from <paramref name="random"/>).</summary>
    public static string Assign(ModelRouting routing, string? key, Random random)
    {
        ArgumentNullException.ThrowIfNull(routing);
        ArgumentNullException.ThrowIfNull(random);
        long total = routing.Weights.Sum(w => (long)w.Weight);
        long bucket;
        if (key is null)
        {
            lock (random)
            {
                bucket = random.NextInt64(total);
            }
        }
        else
        {
            bucket = (long)(Bucket(routing.Model, key) % (ulong)total);
        }

        foreach (AliasWeight weight in routing.Weights)
        {
            if (bucket < weight.Weight)
            {
                return weight.Alias;
            }

            bucket -= weight.Weight;
        }

        return routing.Weights[^1].Alias;
    }

    /// <summary>The stable 64-bit hash of a model and key.</summary>
    public static ulong Bucket(string model, string key)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(key);
        int length = Encoding.UTF8.GetByteCount(model) + 1 + Encoding.UTF8.GetByteCount(key);
        byte[] bytes = new byte[length];
        int at = Encoding.UTF8.GetBytes(model, bytes);
        Encoding.UTF8.GetBytes(key, bytes.AsSpan(at + 1));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }
}
