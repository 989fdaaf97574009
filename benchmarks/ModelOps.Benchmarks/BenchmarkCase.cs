using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Onnx;

namespace ModelOps.Benchmarks;

/// <summary>
/// One model of the engine benchmark with its inputs: <see cref="Rows"/> single-row calls (cycled through) and one
/// batch of <see cref="BatchRows"/> rows, the same tensors for every engine. <see cref="OutputTypes"/> are the graph's
/// tensor outputs (element type and shape of one row), as our engine produces them.
/// </summary>
internal sealed record BenchmarkCase(string Name, byte[] Model, IReadOnlyDictionary<string, Tensor>[] Rows, IReadOnlyDictionary<string, Tensor> Batch, int BatchRows)
{
    public const int SingleRows = 16;

    public required IReadOnlyDictionary<string, (TensorElementType Type, long[] Shape)> OutputTypes { get; init; }

    /// <summary>A case over a table of inputs whose first dimension is the row: the first rows, and a batch tiled to size.</summary>
    public static BenchmarkCase FromTable(string name, byte[] model, IReadOnlyDictionary<string, Tensor> table, int batchRows)
    {
        var rows = Enumerable.Range(0, SingleRows).Select(r => (IReadOnlyDictionary<string, Tensor>)Slice(table, r, 1)).ToArray();
        Dictionary<string, Tensor> batch = Tile(table, batchRows);
        IReadOnlyDictionary<string, Tensor> outputs = OnnxModel.Load(model).CreateSession().Run(rows[0]);
        return new BenchmarkCase(name, model, rows, batch, batchRows)
        {
            OutputTypes = outputs.ToDictionary(kv => kv.Key, kv => (kv.Value.ElementType, kv.Value.Shape), StringComparer.Ordinal),
        };
    }

    /// <summary>A case over a Telco table fed to the model's per-column inputs.</summary>
    public static BenchmarkCase FromDataset(string name, byte[] model, Dataset data, int batchRows) =>
        FromTable(name, model, ModelInputs.FromDataset(OnnxModel.Load(model), data), batchRows);

    private static Dictionary<string, Tensor> Slice(IReadOnlyDictionary<string, Tensor> table, int start, int count) =>
        table.ToDictionary(kv => kv.Key, kv => PickRows(kv.Value, Enumerable.Range(start, count)), StringComparer.Ordinal);

    private static Dictionary<string, Tensor> Tile(IReadOnlyDictionary<string, Tensor> table, int count) =>
        table.ToDictionary(kv => kv.Key, kv => PickRows(kv.Value, Enumerable.Range(0, count).Select(i => i % (int)kv.Value.Shape[0])), StringComparer.Ordinal);

    private static Tensor PickRows(Tensor t, IEnumerable<int> rows)
    {
        int width = (int)(t.Length / t.Shape[0]);
        int[] picked = rows.ToArray();
        Array data = Array.CreateInstance(t.Data.GetType().GetElementType()!, picked.Length * width);
        for (int i = 0; i < picked.Length; i++) Array.Copy(t.Data, picked[i] * width, data, i * width, width);
        return Tensor.Create(t.ElementType, data, [picked.Length, .. t.Shape.Skip(1)]);
    }
}
