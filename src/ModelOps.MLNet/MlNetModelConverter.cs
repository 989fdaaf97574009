using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace ModelOps.MLNet;

/// <summary>A column an ML.NET model reads: its name, and whether it holds text or a number (a single float).</summary>
public sealed record MlNetColumn(string Name, bool IsText);

/// <summary>
/// Turns an ML.NET model <c>.zip</c> (<c>mlContext.Model.Save</c>) into one ONNX artifact with ML.NET's own
/// exporter (<c>mlContext.Model.ConvertToOnnx</c>): one <c>[N,1]</c> tensor per input column, and every column
/// (inputs and those the pipeline adds, such as <c>Probability</c>) also an output, each named with an
/// <c>.output</c> suffix. The input schema is the one saved in the <c>.zip</c>; a model saved without it takes the
/// columns the caller names (the registration's declared inputs).
/// </summary>
public static class MlNetModelConverter
{
    /// <summary>True when <paramref name="artifact"/> is a zip archive (ONNX files are protobuf and never start with <c>PK\x03\x04</c>).</summary>
    public static bool IsZip(ReadOnlySpan<byte> artifact) =>
        artifact.Length >= 4 && artifact[0] == (byte)'P' && artifact[1] == (byte)'K' && artifact[2] == 3 && artifact[3] == 4;

    /// <summary>The ONNX form of the model in <paramref name="zip"/>.</summary>
    /// <param name="zip">The ML.NET model archive.</param>
    /// <param name="columns">The input columns, used only when the archive holds no input schema.</param>
    /// <param name="cancellationToken">Checked before the (synchronous) load and conversion.</param>
    /// <exception cref="InvalidDataException">The archive is not an ML.NET model, holds no input schema and none was given, or ML.NET cannot export it.</exception>
    public static byte[] ConvertToOnnx(ReadOnlyMemory<byte> zip, IReadOnlyList<MlNetColumn>? columns, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var ml = new MLContext(seed: 0);

        // A model with FastTree's trainers needs its assembly in ML.NET's catalog to load.
        ml.ComponentCatalog.RegisterAssembly(typeof(FastTreeBinaryTrainer).Assembly);
        ITransformer model;
        DataViewSchema? saved;
        try
        {
            using var stream = new MemoryStream(zip.ToArray(), writable: false);
            model = ml.Model.Load(stream, out saved);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or InvalidDataException or ArgumentException or IOException)
        {
            throw new InvalidDataException("The .zip is not an ML.NET model ML.NET can load: " + e.Message, e);
        }

        IReadOnlyList<TextLoader.Column> loaderColumns = saved is { Count: > 0 } ? FromSchema(saved)
            : columns is { Count: > 0 } ? columns.Select((c, i) => new TextLoader.Column(c.Name, c.IsText ? DataKind.String : DataKind.Single, i)).ToArray()
            : throw new InvalidDataException("The .zip holds no input schema: save it with mlContext.Model.Save(model, data.Schema, path), or declare the inputs in --metadata (schema.inputs).");

        // The exporter needs only the input's schema: an empty text source with the model's columns gives it.
        IDataView input = ml.Data.CreateTextLoader([.. loaderColumns], hasHeader: false).Load(new MultiFileSource(null));
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using var onnx = new MemoryStream();
            ml.Model.ConvertToOnnx(model, input, onnx);
            return onnx.ToArray();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException or FormatException)
        {
            throw new InvalidDataException("ML.NET could not export the model to ONNX: " + e.Message, e);
        }
    }

    private static TextLoader.Column[] FromSchema(DataViewSchema schema)
    {
        var result = new List<TextLoader.Column>();
        int index = 0;
        foreach (DataViewSchema.Column column in schema.Where(c => !c.IsHidden))
        {
            DataViewType item = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
            int size = column.Type is VectorDataViewType { Size: > 0 } vector ? vector.Size : 1;
            DataKind kind = item switch
            {
                TextDataViewType => DataKind.String,
                BooleanDataViewType => DataKind.Boolean,
                NumberDataViewType n when n.RawType == typeof(double) => DataKind.Double,
                NumberDataViewType n when n.RawType == typeof(float) => DataKind.Single,
                NumberDataViewType n when n.RawType == typeof(long) => DataKind.Int64,
                NumberDataViewType n when n.RawType == typeof(int) => DataKind.Int32,
                _ => throw new InvalidDataException($"Input column '{column.Name}' is {column.Type}; the export takes text, booleans and numbers."),
            };
            result.Add(size == 1 ? new TextLoader.Column(column.Name, kind, index) : new TextLoader.Column(column.Name, kind, index, index + size - 1));
            index += size;
        }

        return [.. result];
    }
}
