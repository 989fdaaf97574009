using System.CommandLine;
using System.Globalization;
using ModelOps.Onnx;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops onnx run --model m.onnx --input rows.csv --output scores.csv</c>: CSV columns feed graph
/// inputs by name (a model with one 2-D float input takes every column in order); the output has one
/// column per scalar output and <c>output[index]</c> per entry of a 2-D output such as probabilities.
/// </summary>
internal static class OnnxRunCommand
{
    public static Command Create()
    {
        Option<string> model = CliOptions.InputFile("--model", "The .onnx model.");
        Option<string> input = CliOptions.InputFile("--input", "CSV with a header row.", stdin: true);
        Option<string> output = CliOptions.OutputFile("--output", "Where to write the scores (CSV).");
        var id = new Option<string?>("--id") { Description = "A column of the input copied, first, into every row of the scores (to join them back)." };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("run", "Score a CSV file with an ONNX model.") { model, input, output, id, quiet };
        command.SetAction(result => CliRun.Guarded("onnx run", () =>
        {
            OnnxModel loaded = OnnxModel.LoadFile(result.GetValue(model)!);
            (string[] header, List<string[]> rows) = ReadInput(result.GetValue(input)!);
            int idColumn = -1;
            if (result.GetValue(id) is { } idName && (idColumn = Array.IndexOf(header, idName)) < 0)
            {
                throw new CliUsageException($"--id: the input has no column '{idName}'");
            }

            Dictionary<string, Tensor> feeds = BuildInputs(loaded, header, rows, idColumn);
            IReadOnlyDictionary<string, object> scores = loaded.CreateSession().RunValues(feeds);
            WriteOutput(result.GetValue(output)!, loaded, scores, rows, idColumn < 0 ? null : (header[idColumn], idColumn));
            if (!result.GetValue(quiet)) Console.Error.WriteLine($"Scored {rows.Count} rows into {result.GetValue(output)}.");
            return CliRun.Ok;
        }));
        return command;
    }

    private static (string[] Header, List<string[]> Rows) ReadInput(string path)
    {
        using TextReader reader = CliInput.OpenText(path);
        return CsvTable.Read(reader);
    }

    private static Dictionary<string, Tensor> BuildInputs(OnnxModel model, string[] header, List<string[]> rows, int idColumn)
    {
        int n = rows.Count;
        var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (model.Inputs.Count == 1 && model.Inputs[0] is { Kind: "tensor", Shape.Length: 2 } only && !header.Contains(only.Name))
        {
            // The id column is carried, not scored: every other column feeds the single input in order.
            int[] features = Enumerable.Range(0, header.Length).Where(c => c != idColumn).ToArray();
            int width = features.Length;
            if (only.Shape![1] >= 0 && only.Shape[1] != width)
            {
                throw new ModelInputException($"The model's input '{only.Name}' takes {only.Shape[1]} features; the CSV has {width} columns.");
            }

            var data = new double[n * width];
            for (int r = 0; r < n; r++)
            {
                for (int c = 0; c < width; c++)
                {
                    data[(r * width) + c] = Number(rows[r][features[c]], header[features[c]], r);
                }
            }

            feeds[only.Name] = Typed(only.ElementType, data, [n, width], only.Name);
            return feeds;
        }

        foreach (ModelValueInfo info in model.Inputs)
        {
            int column = Array.IndexOf(header, info.Name);
            if (column < 0)
            {
                throw new ModelInputException($"The CSV has no column '{info.Name}' for the model input of that name.");
            }

            long[] shape = info.Shape is { Length: 2 } ? [n, 1] : [n];
            feeds[info.Name] = info.ElementType == TensorElementType.String
                ? Tensor.FromStrings(rows.Select(r => r[column]).ToArray(), shape)
                : Typed(info.ElementType, rows.Select((r, i) => Number(r[column], info.Name, i)).ToArray(), shape, info.Name);
        }

        return feeds;
    }

    private static Tensor Typed(TensorElementType type, double[] data, long[] shape, string name) => type switch
    {
        TensorElementType.Float => Tensor.FromFloats(data.Select(v => (float)v).ToArray(), shape),
        TensorElementType.Double => Tensor.FromDoubles(data, shape),
        TensorElementType.Int64 => Tensor.FromInt64s(data.Select(v => (long)v).ToArray(), shape),
        _ => throw new ModelInputException($"Input '{name}' has type {type}, which CSV scoring does not fill."),
    };

    private static double Number(string text, string column, int row)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "?")
        {
            return double.NaN;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new InvalidDataException($"Column '{column}' row {row + 2}: '{text}' is not a number.");
    }

    private static void WriteOutput(string path, OnnxModel model, IReadOnlyDictionary<string, object> scores, List<string[]> rows, (string Name, int Column)? id)
    {
        int n = rows.Count;
        var columns = new List<(string Name, Func<int, string> Value)>();
        if (id is { } carried)
        {
            columns.Add((carried.Name, r => rows[r][carried.Column]));
        }

        foreach (ModelValueInfo info in model.Outputs)
        {
            if (scores[info.Name] is not Tensor t)
            {
                // ZipMap: one column per class label, named <output>[<label>].
                columns.AddRange(PerClass(info.Name, scores[info.Name]));
                continue;
            }

            if (t.Rank == 0 || t.Shape[0] != n)
            {
                // Not one value per row (ML.NET exports carry [1,1] placeholders): nothing to put in a row's cells.
                continue;
            }

            int width = n == 0 ? 0 : t.Length / n;
            if (width <= 1)
            {
                columns.Add((info.Name, r => Cell(t, r)));
            }
            else
            {
                for (int k = 0; k < width; k++)
                {
                    int column = k;
                    columns.Add(($"{info.Name}[{k}]", r => Cell(t, (r * width) + column)));
                }
            }
        }

        using var writer = new StreamWriter(path);
        writer.WriteLine(string.Join(',', columns.Select(c => CsvTable.Quote(c.Name))));
        for (int r = 0; r < n; r++)
        {
            writer.WriteLine(string.Join(',', columns.Select(c => CsvTable.Quote(c.Value(r)))));
        }
    }

    private static IEnumerable<(string Name, Func<int, string> Value)> PerClass(string output, object maps) => maps switch
    {
        IReadOnlyList<IReadOnlyDictionary<string, float>> byName when byName.Count > 0 =>
            byName[0].Keys.Select(label => ($"{output}[{label}]", (Func<int, string>)(r => byName[r][label].ToString("R", CultureInfo.InvariantCulture)))),
        IReadOnlyList<IReadOnlyDictionary<long, float>> byId when byId.Count > 0 =>
            byId[0].Keys.Select(label => ($"{output}[{label.ToString(CultureInfo.InvariantCulture)}]", (Func<int, string>)(r => byId[r][label].ToString("R", CultureInfo.InvariantCulture)))),
        _ => [],
    };

    private static string Cell(Tensor t, int index) => t.Data.GetValue(index) switch
    {
        string s => s,
        bool b => b ? "1" : "0",
        _ => CsvTable.Format(t.GetDouble(index)),
    };
}
