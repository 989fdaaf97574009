using System.Text.Json;
using ModelOps.Learning.Data;
using ModelOps.Learning.Pipelines;
using ModelOps.Onnx;
using ModelOps.Scoring.Engines;
using ModelOps.Scoring.Validation;

namespace ModelOps.Scoring;

/// <summary>
/// A model version compiled and ready: the engine's session, the schema rows are checked against, and — for our
/// exported pipelines — the fitted pipeline that reason codes are computed from. Safe for concurrent use.
/// </summary>
public sealed class LoadedModel : IDisposable
{
    private readonly FittedPipeline? _pipeline;

    /// <summary>Reads the schema and pipeline from a compiled session; <see cref="ModelLoadException"/> when rows cannot be fed to it.</summary>
    public LoadedModel(string model, int version, ScoringSession session, long artifactBytes)
    {
        ArgumentNullException.ThrowIfNull(session);
        Model = model;
        Version = version;
        Session = session;
        ArtifactBytes = artifactBytes;
        _pipeline = ReadPipeline(session.Metadata);
        Schema = FeatureSchema.Of(session, _pipeline);
    }

    public string Model { get; }

    public int Version { get; }

    public ScoringSession Session { get; }

    /// <summary>Size of the artifact, the measure the cache budgets by.</summary>
    public long ArtifactBytes { get; }

    public FeatureSchema Schema { get; }

    /// <summary>True when the model carries a fitted pipeline, so it can explain its scores.</summary>
    public bool CanExplain => _pipeline is not null;

    /// <summary>Scores validated rows (in padded chunks when the graph fixes its batch size).</summary>
    public IReadOnlyList<RowOutputs> Score(ValidatedRows rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int chunk = Schema.BatchSize ?? rows.Count;
        var results = new List<RowOutputs>(rows.Count);
        for (int start = 0; start < rows.Count; start += chunk)
        {
            int count = Math.Min(chunk, rows.Count - start);
            IReadOnlyDictionary<string, Tensor> outputs = RunChunk(rows, start, count, chunk, cancellationToken);
            for (int r = 0; r < count; r++)
            {
                results.Add(Read(outputs, r, chunk));
            }
        }

        return results;
    }

    /// <summary>
    /// Scores validated rows into columns, without an object per row (batch scoring's path); null when the model is
    /// not one of our exported pipelines, whose outputs only <see cref="Score"/> reads.
    /// </summary>
    public ScoredColumns? ScoreColumns(ValidatedRows rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (_pipeline is null)
        {
            return null;
        }

        int chunk = Schema.BatchSize ?? rows.Count;
        int classes = 0;
        string?[]? labels = null;
        double[]? probabilities = null, values = null;
        for (int start = 0; start < rows.Count; start += chunk)
        {
            int count = Math.Min(chunk, rows.Count - start);
            IReadOnlyDictionary<string, Tensor> outputs = RunChunk(rows, start, count, chunk, cancellationToken);
            if (outputs.TryGetValue("value", out Tensor? value))
            {
                values ??= new double[rows.Count];
                for (int r = 0; r < count; r++)
                {
                    values[start + r] = value.GetDouble(r);
                }
            }
            else if (outputs.TryGetValue("label", out Tensor? label) && outputs.TryGetValue("probabilities", out Tensor? p))
            {
                int width = (int)p.Shape[^1];
                classes = Math.Min(width, _pipeline.Classes.Count);
                labels ??= new string?[rows.Count];
                probabilities ??= new double[rows.Count * classes];
                string[] given = label.As<string>();
                for (int r = 0; r < count; r++)
                {
                    labels[start + r] = given[r];
                    for (int c = 0; c < classes; c++)
                    {
                        probabilities[((start + r) * classes) + c] = p.GetDouble((r * width) + c);
                    }
                }
            }
            else
            {
                return null;
            }
        }

        return values is not null
            ? new ScoredColumns(rows.Count, [], null, null, values)
            : new ScoredColumns(rows.Count, _pipeline.Classes.Take(classes).ToArray(), labels ?? [], probabilities ?? [], null);
    }

    /// <summary>
    /// Scores one made-up row (zeros, first levels) so the first real request after a load or a swap does not pay
    /// for the engine's first run; a model that refuses the made-up row is simply left cold.
    /// </summary>
    public void WarmUp(CancellationToken cancellationToken)
    {
        var numbers = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var levels = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        foreach (FeatureSpec feature in Schema.Features)
        {
            if (feature.Type == FeatureSpec.Numeric)
            {
                numbers[feature.Name] = [Math.Clamp(0, feature.Min ?? double.MinValue, feature.Max ?? double.MaxValue)];
            }
            else
            {
                levels[feature.Name] = [feature.Categories is [var first, ..] ? first : string.Empty];
            }
        }

        double[]? matrix = Schema.Layout == InputLayout.Vector ? new double[Schema.VectorWidth] : null;
        try
        {
            Score(new ValidatedRows(1, numbers, levels, matrix, [null]), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Warming up is an optimisation only; real rows are validated and scored as usual.
        }
    }

    /// <summary>The top <paramref name="top"/> reason codes per row; empty lists when the model has no pipeline.</summary>
    public IReadOnlyList<IReadOnlyList<ReasonCode>> Explain(ValidatedRows rows, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (_pipeline is null || top <= 0)
        {
            return Enumerable.Repeat<IReadOnlyList<ReasonCode>>([], rows.Count).ToArray();
        }

        var columns = _pipeline.Inputs.Select(i => i.Type == InputType.Numeric
            ? new DataColumn(i.Name, ColumnKind.Numeric, rows.Numbers[i.Name], null)
            : new DataColumn(i.Name, ColumnKind.Categorical, null, rows.Levels[i.Name])).ToArray();
        return PipelineExplainer.Explain(_pipeline, new Dataset(columns), top, cancellationToken)
            .Select(e => (IReadOnlyList<ReasonCode>)e.Reasons.Select(x => new ReasonCode(x.Column, x.Contribution)).ToArray())
            .ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => Session.Dispose();

    /// <summary>Runs the session on rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/>, padded to <paramref name="chunk"/>.</summary>
    private IReadOnlyDictionary<string, Tensor> RunChunk(ValidatedRows rows, int start, int count, int chunk, CancellationToken cancellationToken)
    {
        var inputs = new Dictionary<string, Tensor>(Session.Inputs.Count, StringComparer.Ordinal);
        foreach (ModelValueInfo input in Session.Inputs)
        {
            inputs[input.Name] = InputTensors.Build(input, Schema, rows, start, count, chunk);
        }

        return Session.Run(inputs, cancellationToken);
    }

    private RowOutputs Read(IReadOnlyDictionary<string, Tensor> outputs, int r, int batch)
    {
        if (_pipeline is not null)
        {
            if (outputs.TryGetValue("value", out Tensor? value))
            {
                return new RowOutputs(Value: value.GetDouble(r));
            }

            if (outputs.TryGetValue("label", out Tensor? label) && outputs.TryGetValue("probabilities", out Tensor? p))
            {
                int width = (int)p.Shape[^1];
                var probabilities = new Dictionary<string, double>(width, StringComparer.Ordinal);
                for (int c = 0; c < width && c < _pipeline.Classes.Count; c++)
                {
                    probabilities[_pipeline.Classes[c]] = p.GetDouble((r * width) + c);
                }

                return new RowOutputs(label.As<string>()[r], probabilities);
            }
        }

        var numbers = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, Tensor tensor) in outputs)
        {
            if (tensor.Rank == 0 || tensor.Shape[0] != batch)
            {
                // Not one slice per row (ML.NET exports carry [1,1] placeholders such as 'mlnet.X.unusedOutput').
                continue;
            }

            int per = tensor.Length / (int)tensor.Shape[0];
            if (tensor.ElementType == TensorElementType.String)
            {
                labels[name] = tensor.As<string>()[r * per];
            }
            else
            {
                var row = new double[per];
                for (int i = 0; i < per; i++)
                {
                    row[i] = tensor.GetDouble((r * per) + i);
                }

                numbers[name] = row;
            }
        }

        return new RowOutputs(Outputs: numbers, Labels: labels.Count > 0 ? labels : null);
    }

    private static FittedPipeline? ReadPipeline(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(PipelineOnnxExporter.PipelineKey, out string? json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<FittedPipeline>(json, PipelineSpecJson.Options);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException("The model's pipeline metadata does not read: " + e.Message, e);
        }
    }
}
