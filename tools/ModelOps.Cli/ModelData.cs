using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Onnx;

namespace ModelOps.Cli;

/// <summary>Reads the CSV files the learning commands take, typed the way a spec or a model expects.</summary>
internal static class ModelData
{
    public static CsvOptions Options(string separator, IReadOnlyDictionary<string, ColumnKind>? kinds = null) => new()
    {
        Separator = separator.Length == 1 ? separator[0] : throw new CliUsageException($"--sep must be one character (got '{separator}')"),
        Kinds = kinds ?? new Dictionary<string, ColumnKind>(),
    };

    /// <summary>Reads <paramref name="path"/>, forcing the kinds a spec declares for the columns present.</summary>
    public static Dataset ForSpec(string path, string separator, PipelineSpec spec)
    {
        var kinds = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        string[] header = Header(path, separator);
        foreach (InputSpec input in spec.Inputs.Where(i => header.Contains(i.Name)))
        {
            kinds[input.Name] = input.Type == InputType.Numeric ? ColumnKind.Numeric : ColumnKind.Categorical;
        }

        if (header.Contains(spec.Target.Column))
        {
            kinds[spec.Target.Column] = spec.Task == PipelineTask.Regression ? ColumnKind.Numeric : ColumnKind.Categorical;
        }

        return Read(path, Options(separator, kinds));
    }

    /// <summary>Reads <paramref name="path"/> (standard input for <c>-</c>) as a dataset.</summary>
    public static Dataset Read(string path, CsvOptions options)
    {
        using TextReader reader = CliInput.OpenText(path);
        return CsvDatasetReader.Read(reader, options);
    }

    /// <summary>Reads <paramref name="path"/> with numeric model inputs numeric and string ones categorical.</summary>
    public static Dataset ForModel(string path, string separator, OnnxModel model, string? target, ColumnKind targetKind = ColumnKind.Categorical)
    {
        string[] header = Header(path, separator);
        var kinds = model.Inputs.Where(i => header.Contains(i.Name)).ToDictionary(
            i => i.Name,
            i => i.ElementType == TensorElementType.String ? ColumnKind.Categorical : ColumnKind.Numeric,
            StringComparer.Ordinal);
        if (target is not null && header.Contains(target)) kinds[target] = targetKind;
        return Read(path, Options(separator, kinds));
    }

    private static string[] Header(string path, string separator)
    {
        if (path != CliOptions.StandardInput && !File.Exists(path)) throw new InvalidDatasetException($"file '{path}' does not exist");
        using TextReader reader = CliInput.OpenText(path);
        string? line = reader.ReadLine();
        return line is null ? [] : line.Split(separator[0]).Select(h => h.Trim().Trim('"')).ToArray();
    }
}

/// <summary>A command line that cannot run as given (exit code 2).</summary>
internal sealed class CliUsageException(string message) : Exception(message);
