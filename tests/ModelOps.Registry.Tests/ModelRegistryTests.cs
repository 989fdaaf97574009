using ModelOps.Registry;
using ModelOps.Testing;

namespace ModelOps.Registry.Tests;

public sealed class ModelRegistryTests
{
    private readonly InMemoryRegistryStore _store = new();
    private readonly InMemoryArtifactStore _artifacts = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly ModelRegistry _registry;

    public ModelRegistryTests()
    {
        var options = new RegistryOptions { AuditKey = Convert.ToBase64String(TestModels.AuditKey), MaxArtifactBytes = 1024 * 1024 };
        _registry = new ModelRegistry(_store, _artifacts, new OnnxArtifactValidator(options), new AuditChain(TestModels.AuditKey), options, _clock);
    }

    [Fact]
    public async Task Register_stores_the_artifact_the_version_and_a_register_audit_entry()
    {
        byte[] artifact = TestModels.Linear();

        ModelVersion version = await _registry.RegisterAsync(TestModels.Request(), artifact, "alice", default);

        version.Version.Should().Be(1);
        version.Format.Should().Be("onnx");
        version.Opsets.Should().ContainKey("ai.onnx");
        (await _registry.ReadArtifactAsync("churn", 1, default)).Should().Equal(artifact);
        (await _registry.GetModelAsync("churn", default)).Owner.Should().Be("data-team");
        IReadOnlyList<AuditEntry> audit = await _registry.ReadAuditAsync("churn", default);
        audit.Should().ContainSingle().Which.Should().Match<AuditEntry>(e => e.Action == "register" && e.Principal == "alice" && e.Reason == "first cut");
    }

    [Fact]
    public async Task Identical_bytes_registered_twice_return_the_existing_version_instead_of_a_copy()
    {
        Registration first = await _registry.RegisterVersionAsync(TestModels.Request(), TestModels.Linear(), "alice", default);
        Registration again = await _registry.RegisterVersionAsync(TestModels.Request() with { Reason = "same file again" }, TestModels.Linear(), "bob", default);

        first.Existing.Should().BeFalse();
        again.Existing.Should().BeTrue();
        again.Version.Should().Be(first.Version);
        (await _registry.ListVersionsAsync("churn", default)).Select(v => v.Version).Should().Equal(1);
        (await _registry.ReadAuditAsync("churn", default)).Should().ContainSingle();
        _artifacts.Count.Should().Be(1);
    }

    [Fact]
    public async Task Retrying_the_same_registration_returns_the_existing_version()
    {
        ModelVersion first = await _registry.RegisterAsync(TestModels.Request(version: 3), TestModels.Linear(), "alice", default);

        ModelVersion again = await _registry.RegisterAsync(TestModels.Request(version: 3), TestModels.Linear(), "alice", default);

        again.Should().Be(first);
        (await _registry.ReadAuditAsync("churn", default)).Should().HaveCount(1);
    }

    [Fact]
    public async Task Duplicate_version_number_with_other_bytes_is_refused_and_changes_nothing()
    {
        await _registry.RegisterAsync(TestModels.Request(version: 1), TestModels.Linear(0.5f), "alice", default);

        Func<Task> act = () => _registry.RegisterAsync(TestModels.Request(version: 1), TestModels.Linear(0.9f), "mallory", default);

        (await act.Should().ThrowAsync<DuplicateVersionException>()).Which.Message.Should().Contain("version 1");
        _artifacts.Count.Should().Be(1);
        (await _registry.ReadAuditAsync("churn", default)).Should().HaveCount(1);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("%2e%2e")]
    [InlineData("a/b")]
    [InlineData("churn\u0000")]
    [InlineData("churn\n")]
    [InlineData(".hidden")]
    [InlineData("")]
    [InlineData("x123456789x123456789x123456789x123456789x123456789x123456789x1234")]
    public async Task Hostile_model_names_are_refused_naming_the_field_and_nothing_is_stored(string name)
    {
        Func<Task> act = () => _registry.RegisterAsync(TestModels.Request(model: name), TestModels.Linear(), "alice", default);

        (await act.Should().ThrowAsync<InvalidRegistryRequestException>()).Which.Field.Should().Be("model");
        _artifacts.Count.Should().Be(0);
        (await _store.ListModelsAsync(default)).Should().BeEmpty();
    }

    [Fact]
    public async Task Corrupted_onnx_is_an_invalid_model_and_nothing_is_stored()
    {
        byte[] corrupted = TestModels.Linear();
        corrupted = corrupted[..(corrupted.Length / 2)];

        Func<Task> act = () => _registry.RegisterAsync(TestModels.Request(), corrupted, "alice", default);

        (await act.Should().ThrowAsync<InvalidModelException>()).Which.Reasons.Should().ContainSingle().Which.Should().Contain("does not load");
        _artifacts.Count.Should().Be(0);
        (await _store.ListModelsAsync(default)).Should().BeEmpty();
    }

    [Fact]
    public async Task Schema_mismatch_lists_every_reason()
    {
        var schema = new ModelSchema([new TensorSpec("X", "double", [-1, 3]), new TensorSpec("Z", "float", [])], [new TensorSpec("P", "float", [])]);

        Func<Task> act = () => _registry.RegisterAsync(TestModels.Request() with { Schema = schema }, TestModels.Linear(), "alice", default);

        InvalidModelException e = (await act.Should().ThrowAsync<InvalidModelException>()).Which;
        e.Reasons.Should().HaveCount(4);
        e.Reasons.Should().Contain(r => r.Contains("is double; the model's is float", StringComparison.Ordinal));
        e.Reasons.Should().Contain(r => r.Contains("'Z' is not in the model", StringComparison.Ordinal));
        e.Reasons.Should().Contain(r => r.Contains("shape [-1,3]", StringComparison.Ordinal));
        e.Reasons.Should().Contain(r => r.Contains("output 'P'", StringComparison.Ordinal));
        _artifacts.Count.Should().Be(0);
    }

    [Fact]
    public async Task Artifact_over_the_limit_is_refused_before_validation()
    {
        Func<Task> act = () => _registry.RegisterAsync(TestModels.Request(), new byte[1024 * 1024 + 1], "alice", default);

        await act.Should().ThrowAsync<ArtifactTooLargeException>();
        _artifacts.Count.Should().Be(0);
    }

    [Fact]
    public async Task Alias_move_with_a_stale_etag_fails_the_precondition_and_keeps_the_alias()
    {
        await _registry.RegisterAsync(TestModels.Request(), TestModels.Linear(0.1f), "alice", default);
        await _registry.RegisterAsync(TestModels.Request(), TestModels.Linear(0.2f), "alice", default);
        AliasPointer first = await _registry.MoveAliasAsync("churn", "champion", 1, "launch", null, "alice", default);
        await _registry.MoveAliasAsync("churn", "champion", 2, "better auc", first.ETag, "bob", default);

        Func<Task> stale = () => _registry.MoveAliasAsync("churn", "champion", 1, "roll back", first.ETag, "carol", default);

        await stale.Should().ThrowAsync<RegistryPreconditionFailedException>();
        (await _registry.GetAliasAsync("churn", "champion", default)).Version.Should().Be(2);
    }

    [Fact]
    public async Task Alias_move_requires_a_reason()
    {
        await _registry.RegisterAsync(TestModels.Request(), TestModels.Linear(), "alice", default);

        Func<Task> act = () => _registry.MoveAliasAsync("churn", "champion", 1, " ", null, "alice", default);

        (await act.Should().ThrowAsync<InvalidRegistryRequestException>()).Which.Field.Should().Be("reason");
    }

    [Fact]
    public async Task Status_follows_the_life_cycle_and_invalid_moves_throw()
    {
        await _registry.RegisterAsync(TestModels.Request(), TestModels.Linear(), "alice", default);

        (await _registry.ChangeStatusAsync("churn", 1, VersionStatus.Archived, "superseded", "alice", default)).Status.Should().Be(VersionStatus.Archived);
        (await _registry.ChangeStatusAsync("churn", 1, VersionStatus.Retired, "gone", "alice", default)).Status.Should().Be(VersionStatus.Retired);
        Func<Task> restore = () => _registry.ChangeStatusAsync("churn", 1, VersionStatus.Registered, "oops", "alice", default);

        await restore.Should().ThrowAsync<InvalidStatusTransitionException>();
    }

    [Fact]
    public async Task A_version_an_alias_points_at_cannot_be_archived()
    {
        await _registry.RegisterAsync(TestModels.Request(alias: "champion"), TestModels.Linear(), "alice", default);

        Func<Task> act = () => _registry.ChangeStatusAsync("churn", 1, VersionStatus.Archived, "cleanup", "alice", default);

        await act.Should().ThrowAsync<VersionInUseException>();
    }

    [Fact]
    public async Task Dependents_of_a_model_are_the_versions_that_name_it()
    {
        await _registry.RegisterAsync(TestModels.Request("features"), TestModels.Linear(), "alice", default);
        await _registry.RegisterAsync(TestModels.Request("churn") with { Dependencies = [new ModelDependency("features", null, "champion")] }, TestModels.Linear(0.3f), "alice", default);
        await _registry.RegisterAsync(TestModels.Request("upsell") with { Dependencies = [new ModelDependency("features", 1, null)] }, TestModels.Linear(0.4f), "alice", default);
        await _registry.RegisterAsync(TestModels.Request("other"), TestModels.Linear(0.6f), "alice", default);

        IReadOnlyList<ModelVersion> dependents = await _registry.DependentsOfAsync("features", default);

        dependents.Select(v => v.Model).Should().Equal("churn", "upsell");
    }

    [Fact]
    public async Task Dependency_on_a_missing_version_is_refused()
    {
        Func<Task> act = () => _registry.RegisterAsync(TestModels.Request() with { Dependencies = [new ModelDependency("features", 7, null)] }, TestModels.Linear(), "alice", default);

        (await act.Should().ThrowAsync<InvalidRegistryRequestException>()).Which.Field.Should().Be("dependencies[0]");
    }

    [Fact]
    public async Task Search_filters_by_prefix_tag_owner_status_and_metric()
    {
        await _registry.RegisterAsync(TestModels.Request("churn-a"), TestModels.Linear(0.1f), "alice", default);
        await _registry.RegisterAsync(TestModels.Request("churn-b") with { Metrics = new Dictionary<string, double> { ["auc"] = 0.6 }, Owner = "ops" }, TestModels.Linear(0.2f), "alice", default);
        await _registry.RegisterAsync(TestModels.Request("upsell") with { Tags = ["upsell"] }, TestModels.Linear(0.3f), "alice", default);
        await _registry.ChangeStatusAsync("churn-a", 1, VersionStatus.Archived, "old", "alice", default);

        (await _registry.SearchAsync(new ModelQuery(NamePrefix: "churn"), default)).Select(m => m.Name).Should().Equal("churn-a", "churn-b");
        (await _registry.SearchAsync(new ModelQuery(Tag: "upsell"), default)).Select(m => m.Name).Should().Equal("upsell");
        (await _registry.SearchAsync(new ModelQuery(Owner: "ops"), default)).Select(m => m.Name).Should().Equal("churn-b");
        (await _registry.SearchAsync(new ModelQuery(Status: VersionStatus.Archived), default)).Select(m => m.Name).Should().Equal("churn-a");
        (await _registry.SearchAsync(new ModelQuery(Metric: "auc", MinMetric: 0.8), default)).Select(m => m.Name).Should().Equal("churn-a", "upsell");
    }

    [Fact]
    public async Task Concurrent_alias_moves_each_win_or_lose_and_the_audit_log_ends_with_the_winner()
    {
        for (int i = 0; i < 5; i++)
        {
            await _registry.RegisterAsync(TestModels.Request(), TestModels.Linear(i), "alice", default);
        }

        await _registry.MoveAliasAsync("churn", "champion", 1, "start", null, "alice", default);
        Task<AliasPointer>[] moves = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            AliasPointer seen = await _registry.GetAliasAsync("churn", "champion", default);
            return await _registry.MoveAliasAsync("churn", "champion", (i % 5) + 1, "move " + i, seen.ETag, "p" + i, default);
        })).ToArray();

        try
        {
            await Task.WhenAll(moves);
        }
        catch (RegistryPreconditionFailedException)
        {
            // Losers are expected; each is checked below.
        }

        moves.Should().OnlyContain(t => t.IsCompletedSuccessfully || t.Exception!.InnerException is RegistryPreconditionFailedException);
        int wins = moves.Count(t => t.IsCompletedSuccessfully);
        (await _registry.ReadAuditAsync("churn", default)).Count(e => e.Action == "alias").Should().Be(wins + 1, "every successful move, and only those, is in the log");
        AuditEntry last = (await _registry.ReadAuditAsync("churn", default))[^1];
        AliasPointer final = await _registry.GetAliasAsync("churn", "champion", default);
        last.After.Should().Be($"champion -> {final.Version}");
        (await _registry.VerifyAuditAsync("churn", default)).Intact.Should().BeTrue();
    }
}
