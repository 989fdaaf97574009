using System.Globalization;
using ModelOps.Learning.Data;
using ModelOps.Learning.Evaluation;
using ModelOps.Learning.Pipelines;
using ModelOps.Onnx;

namespace ModelOps.Registry.Promotion;

/// <summary>The evidence for the gates, or why it could not be gathered (each reason a sentence for the requester).</summary>
public sealed record CollectedEvidence(
    GateEvidence? Evidence,
    ModelVersion? Challenger,
    ModelVersion? Champion,
    BinaryClassificationReport? ChallengerEvaluation,
    BinaryClassificationReport? ChampionEvaluation,
    IReadOnlyList<string> Problems);

/// <summary>
/// Gathers what the gates judge: the challenger and the version the target alias points at now, both artifacts
/// validated and scored on the model's recent labelled rows (<see cref="ILabelledRows"/>), the outcomes, and the
/// sensitive column's values. The target and positive class come from the pipeline inside the challenger's artifact.
/// </summary>
public sealed class PromotionEvidence(ModelRegistry registry, IModelArtifactValidator validator, ILabelledRows labelledRows, PromotionGateOptions options)
{
    private const string Probabilities = "probabilities";

    /// <summary>Collects the evidence for <paramref name="request"/>; a request that cannot be judged gets its problems instead.</summary>
    public async Task<CollectedEvidence> CollectAsync(PromotionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelVersion challenger;
        try
        {
            challenger = await registry.GetVersionAsync(request.Model, request.CandidateVersion, cancellationToken);
        }
        catch (RegistryNotFoundException e)
        {
            return Failed(e.Message + " does not exist.");
        }

        ModelVersion? champion = await ChampionAsync(request, cancellationToken);
        if (champion?.Version == challenger.Version)
        {
            return Failed($"'{request.TargetAlias}' of '{request.Model}' already points at version {challenger.Version}.");
        }

        byte[] challengerBytes = await registry.ReadArtifactAsync(request.Model, challenger.Version, cancellationToken);
        IReadOnlyList<string> artifactProblems = ArtifactCheck.Problems(validator, challengerBytes, challenger.Schema, cancellationToken);
        string? csv = await labelledRows.ReadCsvAsync(request.Model, cancellationToken);
        if (csv is null)
        {
            return Failed($"there are no labelled rows to compare on: {labelledRows.Describe(request.Model)} is missing.");
        }

        OnnxModel challengerModel = OnnxModel.Load(challengerBytes);
        if (PipelineOnnxExporter.ReadPipeline(challengerModel) is not { Task: PipelineTask.BinaryClassification } pipeline)
        {
            return Failed($"version {challenger.Version} does not carry its pipeline (target and classes), so its labelled rows cannot be read.");
        }

        try
        {
            Dataset rows = Labelled(csv, challengerModel, pipeline.Target, out bool[] outcomes, pipeline.Classes[1]);
            double[] challengerScores = Score(challengerModel, rows, cancellationToken);
            double[]? championScores = null;
            if (champion is not null)
            {
                OnnxModel championModel = OnnxModel.Load(await registry.ReadArtifactAsync(request.Model, champion.Version, cancellationToken));
                championScores = Score(championModel, rows, cancellationToken);
            }

            IReadOnlyList<string>? groups = options.SensitiveColumn is { } column && rows.Contains(column)
                ? Enumerable.Range(0, rows.RowCount).Select(r => Text(rows[column], r)).ToArray()
                : null;
            var evidence = new GateEvidence(
                request,
                new CandidateFacts(challenger.Version, challenger.Schema, null),
                champion is null ? null : new CandidateFacts(champion.Version, champion.Schema, null),
                new LabelledScores(challengerScores, championScores, outcomes, groups),
                artifactProblems);
            return new CollectedEvidence(
                evidence, challenger, champion,
                BinaryClassificationReport.Evaluate(challengerScores, outcomes, options.DecisionThreshold),
                championScores is null ? null : BinaryClassificationReport.Evaluate(championScores, outcomes, options.DecisionThreshold),
                []);
        }
        catch (InvalidDatasetException e)
        {
            return Failed($"the labelled rows in {labelledRows.Describe(request.Model)} cannot be scored: {e.Message}.");
        }
    }

    private async Task<ModelVersion?> ChampionAsync(PromotionRequest request, CancellationToken cancellationToken)
    {
        AliasPointer? alias = (await registry.ListAliasesAsync(request.Model, cancellationToken)).FirstOrDefault(a => a.Alias == request.TargetAlias);
        return alias is null ? null : await registry.GetVersionAsync(request.Model, alias.Version, cancellationToken);
    }

    private static Dataset Labelled(string csv, OnnxModel model, string target, out bool[] outcomes, string positive)
    {
        var kinds = model.Inputs.ToDictionary(
            i => i.Name, i => i.ElementType == TensorElementType.String ? ColumnKind.Categorical : ColumnKind.Numeric, StringComparer.Ordinal);
        kinds[target] = ColumnKind.Categorical;
        using var reader = new StringReader(csv);
        Dataset all = CsvDatasetReader.Read(reader, new CsvOptions { Kinds = kinds });
        if (!all.Contains(target)) throw new InvalidDatasetException($"the target column '{target}' is not in the data");
        Dataset rows = all.Rows(Enumerable.Range(0, all.RowCount).Where(r => !all[target].IsMissing(r)).ToArray());
        outcomes = rows[target].Texts!.Select(t => t == positive).ToArray();
        if (outcomes.All(o => o) || outcomes.All(o => !o)) throw new InvalidDatasetException($"the target '{target}' has a single class in these rows (positive is '{positive}')");
        return rows;
    }

    /// <summary>The probability of the positive class: column 1 of an exported classifier's <c>[N, 2]</c> probabilities (classes in the pipeline's order).</summary>
    private static double[] Score(OnnxModel model, Dataset rows, CancellationToken cancellationToken)
    {
        if (!model.Outputs.Any(o => o.Name == Probabilities)) throw new InvalidDatasetException("a model has no 'probabilities' output");
        Tensor p = model.CreateSession().Run(ModelInputs.FromDataset(model, rows), cancellationToken)[Probabilities];
        return Enumerable.Range(0, rows.RowCount).Select(i => p.GetDouble((2 * i) + 1)).ToArray();
    }

    private static string Text(DataColumn column, int row) =>
        column.Texts is { } texts ? texts[row] ?? "(missing)" : column.Numbers![row].ToString(CultureInfo.InvariantCulture);

    private static CollectedEvidence Failed(string problem) => new(null, null, null, null, null, [problem]);
}
