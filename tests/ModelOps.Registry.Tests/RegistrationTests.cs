using System.Text.Json;
using ModelOps.Learning.Drift;
using ModelOps.Learning.Pipelines;
using ModelOps.Registry;
using ModelOps.Testing;

namespace ModelOps.Registry.Tests;

/// <summary>What a registration keeps and refuses: metadata fields, the baseline, and the champion's metrics.</summary>
public sealed class RegistrationTests
{
    private readonly InMemoryRegistryStore _store = new();
    private readonly ModelRegistry _registry;

    public RegistrationTests()
    {
        var options = new RegistryOptions { AuditKey = Convert.ToBase64String(TestModels.AuditKey), MaxArtifactBytes = 1024 * 1024 };
        _registry = new ModelRegistry(_store, new InMemoryArtifactStore(), new OnnxArtifactValidator(options), new AuditChain(TestModels.AuditKey), options, new ManualTimeProvider());
    }

    [Fact]
    public void Metadata_with_an_unknown_field_is_refused_naming_the_field()
    {
        Action act = () => RegistrationMetadata.Parse("""{"description":"x","metricz":{"auroc":0.8}}""", "churn");

        act.Should().Throw<InvalidRegistryRequestException>().Which.Field.Should().Be("metricz");
    }

    [Fact]
    public void Metadata_with_an_unknown_nested_field_is_refused_with_its_path()
    {
        Action act = () => RegistrationMetadata.Parse("""{"lineage":{"codeVersion":"1","trainingDataz":[]}}""", "churn");

        act.Should().Throw<InvalidRegistryRequestException>().Which.Field.Should().Be("lineage.trainingDataz");
    }

    [Fact]
    public void Metadata_with_a_mistyped_field_names_it()
    {
        Action act = () => RegistrationMetadata.Parse("""{"metrics":{"auroc":"high"}}""", "churn");

        act.Should().Throw<InvalidRegistryRequestException>().Which.Field.Should().Be("metrics.auroc");
    }

    [Fact]
    public void Metadata_parses_every_documented_field_and_the_caller_names_the_model()
    {
        RegistrationRequest request = RegistrationMetadata.Parse(
            """{"model":"other","description":"d","owner":"o","tags":["t"],"metrics":{"auroc":0.8},"lineage":{"trainingData":[{"uri":"a.csv","sha256":"ab"}],"pipelineSpecSha256":"cd","parameters":{"c":"1"},"codeVersion":"1.0"},"alias":"challenger","reason":"r","force":true}""",
            "churn");

        request.Model.Should().Be("churn");
        request.Metrics.Should().ContainKey("auroc");
        request.Lineage!.TrainingData.Should().ContainSingle().Which.Sha256.Should().Be("ab");
        request.Force.Should().BeTrue();
    }

    [Fact]
    public void The_schema_documents_exactly_the_fields_the_parser_accepts()
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "schemas", "registration-metadata.schema.json")));
        string[] documented = schema.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToArray();
        string[] accepted = RegistryJsonContext.Default.RegistrationRequest.Properties.Select(p => p.Name).Order().ToArray();

        documented.Should().Equal(accepted);
        schema.RootElement.GetProperty("additionalProperties").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task The_baseline_profile_travels_with_the_version()
    {
        var baseline = new BaselineProfile(
            [NumericProfile.FromReference("tenure", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])],
            [CategoricalProfile.FromReference("contract", ["a", "b", "a"])],
            NumericProfile.FromReference("score", [0.1, 0.5, 0.9]));

        await _registry.RegisterAsync(TestModels.Request() with { Baseline = baseline }, TestModels.Linear(), "alice", default);

        ModelVersion stored = await _registry.GetVersionAsync("churn", 1, default);
        stored.Baseline!.Numeric.Should().ContainSingle().Which.Edges.Should().Equal(baseline.Numeric[0].Edges);
        stored.Baseline.Categorical[0].ReferenceCounts["a"].Should().Be(2);
    }

    [Fact]
    public async Task Champion_refuses_a_version_without_held_out_metrics_unless_forced()
    {
        await _registry.RegisterAsync(TestModels.Request() with { Metrics = null }, TestModels.Linear(0.1f), "alice", default);

        Func<Task> refused = () => _registry.MoveAliasAsync("churn", "champion", 1, "launch", null, "alice", default);
        AliasPointer forced = await _registry.MoveAliasAsync("churn", "champion", 1, "launch", null, "alice", force: true, default);

        (await refused.Should().ThrowAsync<ChampionWithoutMetricsException>()).Which.Message.Should().Contain("no held-out metrics");
        forced.Version.Should().Be(1);
    }

    [Fact]
    public async Task Registering_straight_to_champion_without_metrics_is_refused_before_anything_is_written()
    {
        Func<Task> refused = () => _registry.RegisterAsync(TestModels.Request(alias: "champion") with { Metrics = null }, TestModels.Linear(), "alice", default);

        await refused.Should().ThrowAsync<ChampionWithoutMetricsException>();
        (await _store.ListModelsAsync(default)).Should().BeEmpty();
    }

    [Fact]
    public async Task Other_aliases_move_to_versions_without_metrics()
    {
        await _registry.RegisterAsync(TestModels.Request() with { Metrics = null }, TestModels.Linear(0.1f), "alice", default);

        AliasPointer moved = await _registry.MoveAliasAsync("churn", "challenger", 1, "try it", null, "alice", default);

        moved.Version.Should().Be(1);
    }
}
