using System.Globalization;
using ModelOps.Scoring;

namespace ModelOps.Cli;

/// <summary>
/// The scores file of <c>modelops score</c>: the <c>--id</c> column first, then <c>label</c> and
/// <c>probability[CLASS]</c> per class (or <c>value</c>), any other outputs (<c>NAME</c>, or <c>NAME[k]</c> per entry),
/// then who served each row: <c>version</c>, <c>alias</c>, <c>engine</c>. The columns come from the first row scored;
/// a later row without one leaves its cell empty.
/// </summary>
internal sealed class ScoresCsv(TextWriter writer, string? idName)
{
    private List<(string Name, Func<RowScore, string?> Value)>? _columns;

    public int Rows { get; private set; }

    public void Write(IReadOnlyList<string?> ids, ScoreResponse response)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(response);
        if (response.Rows.Count != ids.Count)
        {
            throw new InvalidDataException($"The scoring app answered {response.Rows.Count} rows for {ids.Count}.");
        }

        if (_columns is null && response.Rows.Count > 0)
        {
            _columns = Columns(response.Rows[0]);
            writer.WriteLine(string.Join(',', (idName is null ? [] : new[] { idName }).Concat(_columns.Select(c => c.Name)).Select(CsvTable.Quote)));
        }

        for (int r = 0; r < response.Rows.Count; r++)
        {
            RowScore row = response.Rows[r];
            IEnumerable<string?> cells = _columns!.Select(c => c.Value(row));
            writer.WriteLine(string.Join(',', (idName is null ? cells : cells.Prepend(ids[r])).Select(c => CsvTable.Quote(c ?? string.Empty))));
        }

        Rows += response.Rows.Count;
    }

    private static List<(string, Func<RowScore, string?>)> Columns(RowScore first)
    {
        var columns = new List<(string, Func<RowScore, string?>)>();
        if (first.Label is not null)
        {
            columns.Add(("label", r => r.Label));
        }

        foreach (string label in first.Probabilities?.Keys ?? [])
        {
            columns.Add(($"probability[{label}]", r => r.Probabilities?.TryGetValue(label, out double p) == true ? CsvTable.Format(p) : null));
        }

        if (first.Value is not null)
        {
            columns.Add(("value", r => r.Value is { } v ? CsvTable.Format(v) : null));
        }

        foreach ((string name, double[] values) in first.Outputs ?? new Dictionary<string, double[]>())
        {
            for (int k = 0; k < values.Length; k++)
            {
                int index = k;
                columns.Add((values.Length == 1 ? name : $"{name}[{k}]", r => r.Outputs?.TryGetValue(name, out double[]? v) == true && index < v.Length ? CsvTable.Format(v[index]) : null));
            }
        }

        foreach (string name in first.Labels?.Keys ?? [])
        {
            columns.Add((name, r => r.Labels?.TryGetValue(name, out string? v) == true ? v : null));
        }

        columns.Add(("version", r => r.Version.ToString(CultureInfo.InvariantCulture)));
        columns.Add(("alias", r => r.Alias));
        columns.Add(("engine", r => r.Engine));
        return columns;
    }
}
