using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace ModelOps.Onnx.Operators.Ml;

/// <summary>
/// Category strings to their index, built once per node: a handful of categories (the usual case in tabular
/// pipelines) is compared in order, ordinally — cheaper than hashing each value — after the length picked the one
/// candidate when only one key has that length; more keys go through a dictionary.
/// </summary>
internal sealed class StringLookup
{
    private const int FewKeys = 8;
    private const int MaxTabledLength = 256, NoKey = -1, SeveralKeys = -2;

    private readonly string[]? _few;
    private readonly int[]? _fewIndex;

    // By string length: the position in _few of the only key of that length, NoKey or SeveralKeys.
    private readonly int[]? _byLength;
    private readonly Dictionary<string, int> _map;

    /// <param name="map">Each distinct key and the index it stands for.</param>
    public StringLookup(Dictionary<string, int> map)
    {
        _map = map;
        if (map.Count <= FewKeys)
        {
            _few = map.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToArray();
            _fewIndex = map.OrderBy(kv => kv.Value).Select(kv => kv.Value).ToArray();

            // Categories mostly differ in length ("Yes", "No", "No internet service"): by length, the one key to compare.
            int longest = _few.Length == 0 ? 0 : _few.Max(k => k.Length);
            if (longest <= MaxTabledLength)
            {
                _byLength = new int[longest + 1];
                Array.Fill(_byLength, NoKey);
                for (int k = 0; k < _few.Length; k++)
                {
                    ref int entry = ref _byLength[_few[k].Length];
                    entry = entry == NoKey ? k : SeveralKeys;
                }
            }
        }
    }

    /// <summary>The index of <paramref name="value"/>, or −1 when it is no key.</summary>
    public int Find(string? value)
    {
        if (value is null) return -1;
        if (_byLength is { } byLength)
        {
            if ((uint)value.Length >= (uint)byLength.Length) return -1;
            int only = byLength[value.Length];
            if (only >= 0) return value.AsSpan().SequenceEqual(_few![only]) ? _fewIndex![only] : -1;
            if (only == NoKey) return -1;
        }

        if (_few is { } few)
        {
            for (int k = 0; k < few.Length; k++)
            {
                if (string.Equals(few[k], value, StringComparison.Ordinal)) return _fewIndex![k];
            }

            return -1;
        }

        return _map.TryGetValue(value, out int index) ? index : -1;
    }

    /// <summary>Rows ahead whose string is requested from memory while this row's is compared.</summary>
    private const int Ahead = 8;

    /// <summary>
    /// The index of each of <paramref name="values"/>[<paramref name="start"/> ..] into <paramref name="into"/> (−1 for
    /// no key). A batch's strings are separate heap objects, often out of cache, and which key matches is a branch the
    /// processor cannot predict; asking for the string a few rows ahead lets those memory reads overlap rather than
    /// wait one after another.
    /// </summary>
    public void FindAll(string?[] values, int start, Span<int> into)
    {
        int end = start + into.Length;
        for (int i = start; i < end; i++)
        {
            if (i + Ahead < values.Length) Prefetch(values[i + Ahead]);
            into[i - start] = Find(values[i]);
        }
    }

    // A hint only: an address the collector has since moved is harmless (a prefetch never faults).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(string? value)
    {
        if (Sse.IsSupported && value is not null)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in value.GetPinnableReference())));
        }
    }
}
