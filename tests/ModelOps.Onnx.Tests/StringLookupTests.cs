using ModelOps.Onnx.Operators.Ml;

namespace ModelOps.Onnx.Tests;

/// <summary>Category lookups find exactly the ordinal matches, whether keys share a length or not, one row or a batch.</summary>
public sealed class StringLookupTests
{
    private static readonly string[] Keys = ["Yes", "No", "One year", "Two year", "", "No internet service"];

    public static TheoryData<int> KeyCounts => new() { 2, 6, 12 };

    [Theory]
    [MemberData(nameof(KeyCounts))]
    public void Every_value_finds_its_key_and_nothing_else_matches(int keys)
    {
        string[] chosen = Keys.Concat(Enumerable.Range(0, 12).Select(i => $"level {i}")).Take(keys).ToArray();
        var lookup = new StringLookup(chosen.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i, StringComparer.Ordinal));
        string?[] values = [.. chosen.Select(k => new string(k.AsSpan())), "yes", "Two years", "One yeaR", "No ", null, "level 99", new string('x', 400)];

        int[] found = new int[values.Length];
        lookup.FindAll(values, 0, found);

        int[] expected = values.Select(v => v is null ? -1 : Array.IndexOf(chosen, v)).ToArray();
        found.Should().Equal(expected);
        values.Select(lookup.Find).Should().Equal(expected);
        found.Take(chosen.Length).Should().Equal(Enumerable.Range(0, chosen.Length));
    }
}
