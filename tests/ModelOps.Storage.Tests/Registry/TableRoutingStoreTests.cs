using ModelOps.Registry;
using ModelOps.Storage.Registry;
using ModelOps.Testing;

namespace ModelOps.Storage.Tests.Registry;

/// <summary>The routing port on Azurite: a row beside the model's, compare-and-swap by ETag, invisible to the registry's listings.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableRoutingStoreTests(AzuriteFixture azurite)
{
    private static ModelRouting Split(int challenger = 10) =>
        new("churn", [new AliasWeight("champion", 100 - challenger), new AliasWeight("challenger", challenger)], KeyField: "customer_id", ShadowAlias: "shadow");

    [Fact]
    public async Task A_routing_round_trips_with_every_field_and_a_fresh_etag()
    {
        var h = new RegistryHarness(azurite);
        var routes = new TableRoutingStore(h.Table);
        ModelRouting wanted = Split() with { Enabled = false, FallbackAlias = "champion", RetryAfterSeconds = 90 };

        (await routes.GetRoutingAsync("churn", default)).Should().BeNull("no routing is set yet");
        ModelRouting stored = await routes.SetRoutingAsync(wanted, ifMatch: null, default);
        ModelRouting? read = await routes.GetRoutingAsync("churn", default);

        stored.ETag.Should().NotBeEmpty();
        read.Should().NotBeNull();
        read!.ETag.Should().Be(stored.ETag);
        read.Weights.Should().Equal(wanted.Weights);
        (read with { Weights = wanted.Weights, ETag = "" }).Should().Be(wanted);
    }

    [Fact]
    public async Task A_change_with_a_stale_etag_or_a_second_create_is_a_conflict_and_changes_nothing()
    {
        var routes = new TableRoutingStore(new RegistryHarness(azurite).Table);
        ModelRouting first = await routes.SetRoutingAsync(Split(10), null, default);
        ModelRouting second = await routes.SetRoutingAsync(Split(20), first.ETag, default);

        Func<Task> stale = () => routes.SetRoutingAsync(Split(30), first.ETag, default);
        Func<Task> create = () => routes.SetRoutingAsync(Split(40), null, default);

        await stale.Should().ThrowAsync<StoreConflictException>();
        await create.Should().ThrowAsync<StoreConflictException>();
        second.ETag.Should().NotBe(first.ETag);
        (await routes.GetRoutingAsync("churn", default))!.Weights[1].Weight.Should().Be(20);
    }

    [Fact]
    public async Task An_invalid_routing_is_refused_before_anything_is_written()
    {
        var routes = new TableRoutingStore(new RegistryHarness(azurite).Table);

        Func<Task> act = () => routes.SetRoutingAsync(new ModelRouting("churn", [new AliasWeight("champion", 0)]), null, default);

        (await act.Should().ThrowAsync<InvalidRegistryRequestException>()).Which.Field.Should().Be("weights");
        (await routes.GetRoutingAsync("churn", default)).Should().BeNull();
    }

    [Fact]
    public async Task The_routing_row_does_not_show_up_in_the_registry_it_sits_beside()
    {
        var h = new RegistryHarness(azurite);
        await h.Registry.RegisterAsync(RegistryHarness.Request(), RegistryHarness.Linear(0.1f), "alice", default);
        await h.Registry.MoveAliasAsync("churn", "champion", 1, "launch", null, "bob", default);
        await new TableRoutingStore(h.Table).SetRoutingAsync(Split(), null, default);

        (await h.Registry.ListAliasesAsync("churn", default)).Select(a => a.Alias).Should().Equal("champion");
        (await h.Registry.ListVersionsAsync("churn", default)).Should().ContainSingle();
        (await h.Store.ListModelsAsync(default)).Should().ContainSingle(m => m.Name == "churn");
        (await h.Registry.VerifyAuditAsync("churn", default)).Intact.Should().BeTrue();
    }
}
