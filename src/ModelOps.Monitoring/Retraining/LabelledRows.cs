using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring.Outcomes;
using ModelOps.Monitoring.Payloads;

namespace ModelOps.Monitoring.Retraining;

/// <summary>
/// Labelled predictions as a training table: one column per input of a pipeline (numbers as logged, categories as
/// text), and the target column from the outcomes' labels. Rows keep their time order.
/// </summary>
public static class LabelledRows
{
    /// <summary>
    /// The rows a model learns from or is judged on: scored rows (not shadow copies, which repeat a request's
    /// features), one per join key (the first logged), oldest first.
    /// </summary>
    public static IReadOnlyList<LabelledPrediction> Distinct(IEnumerable<LabelledPrediction> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return rows.Where(r => !r.Prediction.Shadow)
            .OrderBy(r => r.Prediction.Timestamp).ThenBy(r => r.Prediction.RequestId, StringComparer.Ordinal).ThenBy(r => r.Prediction.Row)
            .Where(r => seen.Add(Outcome.ByRequest(r.Prediction.RequestId, r.Prediction.Row)))
            .ToArray();
    }

    /// <summary>The inputs named by <paramref name="inputs"/> and the target <paramref name="target"/> of <paramref name="rows"/>.</summary>
    public static Dataset ToDataset(IReadOnlyList<LabelledPrediction> rows, IReadOnlyList<InputSpec> inputs, string target)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(inputs);
        var columns = new List<DataColumn>(inputs.Count + 1);
        foreach (InputSpec input in inputs)
        {
            if (input.Type == InputType.Numeric)
            {
                columns.Add(new DataColumn(input.Name, ColumnKind.Numeric, rows.Select(r => Value(r, input.Name).AsNumber()).ToArray(), null));
            }
            else
            {
                columns.Add(new DataColumn(input.Name, ColumnKind.Categorical, null, rows.Select(r => Value(r, input.Name).AsCategory()).ToArray()));
            }
        }

        columns.Add(new DataColumn(target, ColumnKind.Categorical, null, rows.Select(r => (string?)r.Outcome.Label).ToArray()));
        return new Dataset(columns);
    }

    private static FeatureValue Value(LabelledPrediction row, string name) =>
        row.Prediction.Features.TryGetValue(name, out FeatureValue value) ? value : FeatureValue.Missing;
}
