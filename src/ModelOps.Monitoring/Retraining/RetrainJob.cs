using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using ModelOps.Learning.Pipelines;
using ModelOps.Monitoring.Alerts;
using ModelOps.Monitoring.Outcomes;
using ModelOps.Registry;

namespace ModelOps.Monitoring.Retraining;

/// <summary>What a retrain did: the challenger it registered, and what retraining measured.</summary>
public sealed record RetrainOutcome(ModelVersion Challenger, int ParentVersion, RetrainedModel Retrained);

/// <summary>
/// A retrain of a model's champion: its own pipeline spec (found by the spec hash in its lineage) fitted on the
/// labelled rows of the accuracy window, registered with lineage to the champion and the alias <c>challenger</c>.
/// When it does not recover the accuracy threshold the model is flagged <em>remodel needed</em> and its owners told.
/// </summary>
public sealed class RetrainJob(
    ModelRegistry registry, PayloadWindow window, IPipelineSpecStore specs, IMonitoringHistory history, Alerting alerts, MonitoringOptions options, TimeProvider clock)
{
    /// <summary>The alias a retrained model is registered under.</summary>
    public const string ChallengerAlias = "challenger";

    /// <summary>The principal the registry's audit records for monitoring's registrations.</summary>
    public const string Principal = "modelops-monitoring";

    public async Task<RetrainOutcome> RunAsync(string model, IReadOnlyList<string> triggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        MonitoringPolicy policy = options.For(model);
        DateTimeOffset now = clock.GetUtcNow(), from = now - policy.AccuracyWindow;
        MonitoringState before = await history.GetStateAsync(model, cancellationToken).ConfigureAwait(false);
        if (before.LastRetrainAt is { } last && now - last < policy.RetrainCooldown)
        {
            // A second request for the same need (a redelivered message, a cycle that asked twice) makes no second challenger.
            throw new RetrainCoolingDownException(model, last, policy.RetrainCooldown);
        }

        AliasPointer champion = await registry.GetAliasAsync(model, ModelRegistry.ChampionAlias, cancellationToken).ConfigureAwait(false);
        ModelVersion parent = await registry.GetVersionAsync(model, champion.Version, cancellationToken).ConfigureAwait(false);
        PipelineSpec? spec = await specs.FindAsync(model, parent.Lineage.PipelineSpecSha256, cancellationToken).ConfigureAwait(false);
        if (spec is null)
        {
            await DeclineAsync(model, cancellationToken).ConfigureAwait(false);
            throw new PipelineSpecNotFoundException(model, parent.Version, parent.Lineage.PipelineSpecSha256);
        }

        List<LabelledPrediction> labelled = await window.LabelledAsync(model, from, now, policy.PositiveClass, cancellationToken).ConfigureAwait(false);
        RetrainedModel retrained;
        try
        {
            retrained = Retrainer.Retrain(spec, labelled, policy, cancellationToken);
        }
        catch (InsufficientLabelsException)
        {
            await DeclineAsync(model, cancellationToken).ConfigureAwait(false);
            throw;
        }

        var parameters = new SortedDictionary<string, string>(parent.Lineage.Parameters.ToDictionary(), StringComparer.Ordinal)
        {
            ["retrain_of"] = parent.Version.ToString(CultureInfo.InvariantCulture),
            ["retrain_triggers"] = string.Join("; ", triggers),
            ["retrain_train_rows"] = retrained.TrainRows.ToString(CultureInfo.InvariantCulture),
            ["retrain_holdout_rows"] = retrained.HoldoutRows.ToString(CultureInfo.InvariantCulture),
            ["remodel_needed"] = retrained.RemodelNeeded ? "true" : "false",
        };
        string data = string.Create(CultureInfo.InvariantCulture, $"payloads/{model}?from={from:O}&to={now:O}");
        var lineage = new Lineage([new DataReference(data, WindowHash(labelled))], PipelineSpecJson.Hash(spec), parameters, CodeVersion, parent.Version);
        var request = new RegistrationRequest(
            model,
            Metrics: Retrainer.Metrics(retrained.Report),
            Lineage: lineage,
            Alias: ChallengerAlias,
            Reason: "retrained: " + string.Join("; ", triggers))
        { Baseline = retrained.Report.Baseline };
        Registration registered = await registry.RegisterVersionAsync(request, retrained.Artifact, Principal, cancellationToken).ConfigureAwait(false);
        ModelVersion challenger = registered.Version;

        await history.UpdateStateAsync(
            model, s => s with { LastRetrainAt = now, RemodelNeededVersion = retrained.RemodelNeeded ? challenger.Version : null }, cancellationToken).ConfigureAwait(false);

        IReadOnlyList<string> summary =
        [
            string.Create(CultureInfo.InvariantCulture, $"v{challenger.Version} retrained from v{parent.Version} on {retrained.TrainRows} labelled rows, {retrained.HoldoutRows} held out"),
            .. Retrainer.Metrics(retrained.Report).Where(m => m.Key is "auroc" or "log_loss").Select(m => string.Create(CultureInfo.InvariantCulture, $"held-out {m.Key} {m.Value:F4}")),
            .. triggers.Select(t => "trigger: " + t),
        ];
        if (retrained.RemodelNeeded)
        {
            await alerts.RaiseAsync(model, challenger.Version, AlertKind.RemodelNeeded,
                $"{model}: retraining did not recover the threshold, remodel needed", [.. retrained.Reasons, .. summary], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await alerts.RaiseAsync(model, challenger.Version, AlertKind.Retrained, $"{model}: challenger v{challenger.Version} retrained", summary, cancellationToken).ConfigureAwait(false);
        }

        return new RetrainOutcome(challenger, parent.Version, retrained);
    }

    /// <summary>A declined request is no longer pending: the next cycle may ask again (once labels arrived, or the spec was stored).</summary>
    private async Task DeclineAsync(string model, CancellationToken cancellationToken)
    {
        await history.UpdateStateAsync(model, s => s with { RetrainRequestedAt = null }, cancellationToken).ConfigureAwait(false);
    }

    private static string CodeVersion =>
        typeof(RetrainJob).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>SHA-256 over the rows' join keys and labels: the same labelled window hashes the same.</summary>
    private static string WindowHash(IEnumerable<LabelledPrediction> rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (LabelledPrediction row in LabelledRows.Distinct(rows))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Outcome.ByRequest(row.Prediction.RequestId, row.Prediction.Row) + "=" + row.Outcome.Label + "\n"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>The model was retrained within its cooldown, so a further request is not acted on.</summary>
public sealed class RetrainCoolingDownException(string model, DateTimeOffset lastRetrainAt, TimeSpan cooldown)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"'{model}' was retrained at {lastRetrainAt:u}, within its RetrainCooldown of {cooldown}."));

/// <summary>The champion's lineage names a pipeline spec the spec store does not have, so there is nothing to retrain.</summary>
public sealed class PipelineSpecNotFoundException(string model, int version, string specSha256)
    : Exception($"'{model}' v{version} was trained from spec {(specSha256.Length == 0 ? "(none recorded)" : specSha256)}, which the spec store does not hold; save the spec to retrain it.")
{
    public string Model { get; } = model;
}
