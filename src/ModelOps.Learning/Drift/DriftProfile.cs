namespace ModelOps.Learning.Drift;

/// <summary>
/// The baseline a numeric column's drift is measured against: the reference's inner quantile edges
/// (numpy 'linear', duplicates removed) and its bin counts. Current data is counted into the same bins
/// in one pass with constant memory (<see cref="Count"/>), so PSI needs no second look at either sample.
/// </summary>
public sealed record NumericProfile(string Column, double[] Edges, long[] ReferenceCounts)
{
    public static NumericProfile FromReference(string column, double[] reference, int bins = 10)
    {
        double[] edges = PopulationStability.Edges(reference, bins);
        return new NumericProfile(column, edges, PopulationStability.Counts(reference, edges));
    }

    /// <summary>Right-closed bin of a value by binary search over the inner edges (NaN counts in none).</summary>
    public int Bin(double value)
    {
        int index = Array.BinarySearch(Edges, value);
        return index >= 0 ? index : ~index;
    }

    /// <summary>Counts a stream of values into this profile's bins.</summary>
    public long[] Count(ReadOnlySpan<double> values)
    {
        var counts = new long[Edges.Length + 1];
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                counts[Bin(v)]++;
            }
        }

        return counts;
    }

    public double Psi(IReadOnlyList<long> currentCounts) => PopulationStability.Index(ReferenceCounts, currentCounts);
}

/// <summary>The baseline of a categorical column: its category counts.</summary>
public sealed record CategoricalProfile(string Column, IReadOnlyDictionary<string, long> ReferenceCounts)
{
    public static CategoricalProfile FromReference(string column, IEnumerable<string> reference) =>
        new(column, reference.GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.LongCount(), StringComparer.Ordinal));

    /// <summary>PSI over the sorted union of categories (ε for categories one side lacks).</summary>
    public double Psi(IReadOnlyDictionary<string, long> currentCounts)
    {
        string[] categories = ReferenceCounts.Keys.Union(currentCounts.Keys).Order(StringComparer.Ordinal).ToArray();
        return PopulationStability.Index(
            categories.Select(c => ReferenceCounts.GetValueOrDefault(c)).ToArray(),
            categories.Select(c => currentCounts.GetValueOrDefault(c)).ToArray());
    }
}
