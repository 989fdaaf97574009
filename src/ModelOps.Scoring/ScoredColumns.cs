namespace ModelOps.Scoring;

/// <summary>
/// What an exported pipeline returned for a batch, by column rather than an object per row: a classifier's label
/// and class probabilities (<c>Count × Classes.Count</c>, row-major, classes in the pipeline's order), or a
/// regression's value. The same numbers <see cref="LoadedModel.Score"/> gives row by row.
/// </summary>
public sealed class ScoredColumns
{
    internal ScoredColumns(int count, IReadOnlyList<string> classes, string?[]? labels, double[]? probabilities, double[]? values)
    {
        Count = count;
        Classes = classes;
        Labels = labels;
        Probabilities = probabilities;
        Values = values;
    }

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>The class of each probability column; empty for a regression.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>A classifier's predicted label per row; null for a regression.</summary>
    public IReadOnlyList<string?>? Labels { get; }

    /// <summary>A classifier's probabilities, <c>Count × Classes.Count</c>, row-major; null for a regression.</summary>
    public IReadOnlyList<double>? Probabilities { get; }

    /// <summary>A regression's value per row; null for a classifier.</summary>
    public IReadOnlyList<double>? Values { get; }
}
