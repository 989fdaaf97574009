using Azure;
using Azure.Data.Tables;
using ModelOps.Registry;
using ModelOps.Storage.Registry;
using ModelOps.Testing;
using Xunit.Abstractions;

namespace ModelOps.Storage.Tests.Registry;

[Collection(AzuriteCollection.Name)]
public sealed class RegistryOnAzuriteTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Register_alias_realias_archive_round_trip_is_audited_and_verifies()
    {
        var h = new RegistryHarness(azurite);
        ModelRegistry registry = h.Registry;

        await registry.RegisterAsync(RegistryHarness.Request(), RegistryHarness.Linear(0.1f), "alice", default);
        AliasPointer launched = await registry.MoveAliasAsync("churn", "champion", 1, "launch", null, "bob", default);
        await registry.RegisterAsync(RegistryHarness.Request() with { Reason = "retrained" }, RegistryHarness.Linear(0.2f), "alice", default);
        await registry.MoveAliasAsync("churn", "champion", 2, "better auc", launched.ETag, "carol", default);
        await registry.ChangeStatusAsync("churn", 1, VersionStatus.Archived, "superseded", "dave", default);

        IReadOnlyList<AuditEntry> audit = await registry.ReadAuditAsync("churn", default);
        audit.Select(e => (e.Action, e.Principal, e.Reason)).Should().Equal(
            ("register", "alice", "initial"), ("alias", "bob", "launch"), ("register", "alice", "retrained"),
            ("alias", "carol", "better auc"), ("status", "dave", "superseded"));
        audit[3].Before.Should().Be("champion -> 1");
        audit[3].After.Should().Be("champion -> 2");
        (await registry.GetAliasAsync("churn", "champion", default)).Version.Should().Be(2);
        (await registry.GetVersionAsync("churn", 1, default)).Status.Should().Be(VersionStatus.Archived);
        (await registry.VerifyAuditAsync("churn", default)).Should().Match<AuditVerification>(v => v.Intact && v.EntriesChecked == 5);
    }

    [Theory]
    [InlineData("edit", 2, 3)]
    [InlineData("delete", 1, 3)]
    [InlineData("reorder", 1, 3)]
    [InlineData("insert", 2, 3)]
    [InlineData("delete-last", 4, 5)]
    public async Task Verify_reports_the_first_broken_entry_after_tampering_in_the_table(string tampering, int position, long sequence)
    {
        var h = new RegistryHarness(azurite);
        await h.Registry.RegisterAsync(RegistryHarness.Request(), RegistryHarness.Linear(), "alice", default);
        for (int i = 0; i < 4; i++)
        {
            await h.Registry.MoveAliasAsync("churn", "a" + i, 1, "step " + i, null, "alice", default);
        }

        (await h.Registry.VerifyAuditAsync("churn", default)).Intact.Should().BeTrue();
        List<TableEntity> rows = await h.RowsAsync("audit-");

        switch (tampering)
        {
            case "edit":
                rows[2]["Reason"] = "nothing to see";
                await h.Table.UpdateEntityAsync(rows[2], ETag.All, TableUpdateMode.Replace);
                break;
            case "delete":
                await h.Table.DeleteEntityAsync("churn", rows[1].RowKey);
                break;
            case "reorder":
                TableEntity second = Copy(rows[2], rows[1].RowKey), third = Copy(rows[1], rows[2].RowKey);
                await h.Table.UpdateEntityAsync(second, ETag.All, TableUpdateMode.Replace);
                await h.Table.UpdateEntityAsync(third, ETag.All, TableUpdateMode.Replace);
                break;
            case "delete-last":
                await h.Table.DeleteEntityAsync("churn", rows[^1].RowKey);
                break;
            case "insert":
                AuditEntry previous = (await h.Store.ReadAuditAsync("churn", default))[1];
                AuditEntry forged = new AuditChain(new byte[32]).Next(previous, "churn", "alias", "mallory", "backdated", previous.At, "", "champion -> 1");
                TableEntity row = Copy(rows[2], TableRegistryStore.AuditKey(2) + "a");
                foreach ((string name, object value) in new (string, object)[] { ("Principal", forged.Principal), ("Reason", forged.Reason), ("Hash", forged.Hash), ("Hmac", forged.Hmac), ("PreviousHash", forged.PreviousHash), ("Before", ""), ("After", forged.After), ("At", rows[1]["At"]!) })
                {
                    row[name] = value;
                }

                await h.Table.AddEntityAsync(row);
                break;
        }

        AuditVerification result = await h.Registry.VerifyAuditAsync("churn", default);

        result.Intact.Should().BeFalse();
        result.BrokenAtPosition.Should().Be(position, result.Problem);
        result.BrokenAtSequence.Should().Be(sequence, result.Problem);
    }

    [Fact]
    public async Task Twenty_concurrent_alias_moves_each_win_or_fail_the_precondition_and_none_is_lost()
    {
        var h = new RegistryHarness(azurite);
        for (int i = 0; i < 3; i++)
        {
            await h.Registry.RegisterAsync(RegistryHarness.Request(), RegistryHarness.Linear(i), "alice", default);
        }

        await h.Registry.MoveAliasAsync("churn", "champion", 1, "start", null, "alice", default);
        using var start = new SemaphoreSlim(0);
        Task<AliasPointer>[] moves = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            await start.WaitAsync();
            AliasPointer seen = await h.Registry.GetAliasAsync("churn", "champion", default);
            return await h.Registry.MoveAliasAsync("churn", "champion", (i % 3) + 1, "move " + i, seen.ETag, "p" + i, default);
        })).ToArray();
        start.Release(20);
        try
        {
            await Task.WhenAll(moves);
        }
        catch (RegistryPreconditionFailedException)
        {
            // Losers are expected; each task is checked below.
        }

        moves.Should().OnlyContain(t => t.IsCompletedSuccessfully || t.Exception!.InnerException is RegistryPreconditionFailedException);
        int wins = moves.Count(t => t.IsCompletedSuccessfully);
        List<AuditEntry> aliasMoves = (await h.Registry.ReadAuditAsync("churn", default)).Where(e => e.Action == "alias").ToList();
        AliasPointer final = await h.Registry.GetAliasAsync("churn", "champion", default);
        output.WriteLine($"{wins} of 20 concurrent moves won; {20 - wins} failed the precondition.");
        wins.Should().BeGreaterThan(0);
        aliasMoves.Should().HaveCount(wins + 1, "every successful move, and only those, is in the log");
        aliasMoves.Skip(1).Select(e => e.Principal).Should().BeEquivalentTo(moves.Select((t, i) => (t, i)).Where(p => p.t.IsCompletedSuccessfully).Select(p => "p" + p.i));
        aliasMoves.Zip(aliasMoves.Skip(1)).Should().OnlyContain(p => p.Second.Before == p.First.After, "each move started from the value the previous one left: no lost update");
        aliasMoves[^1].After.Should().Be($"champion -> {final.Version}");
        (await h.Registry.VerifyAuditAsync("churn", default)).Intact.Should().BeTrue();
    }

    [Theory]
    [InlineData(nameof(IRegistryStore.AddPendingVersionAsync))]
    [InlineData(nameof(IRegistryStore.CommitVersionAsync))]
    [InlineData(nameof(IRegistryStore.SetAliasAsync))]
    public async Task Crash_between_steps_leaves_nothing_unservable_visible_and_a_retry_completes(string crashBefore)
    {
        var h = new RegistryHarness(azurite, store => new CrashingRegistryStore(store, crashBefore));
        byte[] artifact = RegistryHarness.Linear();

        Func<Task> crashed = () => h.Registry.RegisterAsync(RegistryHarness.Request(version: 1, alias: "champion"), artifact, "alice", default);

        await crashed.Should().ThrowAsync<SimulatedCrashException>();
        foreach (ModelVersion visible in await h.Store.ListAllVersionsAsync(default))
        {
            (await h.Artifacts.ReadAsync(visible.ArtifactSha256, default)).Should().Equal(artifact, "a visible version can be served");
        }

        foreach (AliasPointer alias in await h.Store.ListAliasesAsync("churn", default))
        {
            (await h.Store.GetVersionAsync("churn", alias.Version, default)).Should().Match<StoredVersion>(v => v.Committed);
        }

        if (crashBefore != nameof(IRegistryStore.SetAliasAsync))
        {
            (await h.Store.ListVersionsAsync("churn", default)).Should().BeEmpty();
            (await h.Store.ListModelsAsync(default)).Should().BeEmpty();
        }

        ModelRegistry healthy = h.Create();
        ModelVersion retried = await healthy.RegisterAsync(RegistryHarness.Request(version: 1, alias: "champion"), artifact, "alice", default);

        retried.Version.Should().Be(1);
        (await healthy.GetAliasAsync("churn", "champion", default)).Version.Should().Be(1);
        (await healthy.ReadArtifactAsync("churn", 1, default)).Should().Equal(artifact);
        (await healthy.ReadAuditAsync("churn", default)).Select(e => e.Action).Should().Equal("register", "alias");
        (await healthy.VerifyAuditAsync("churn", default)).Intact.Should().BeTrue();
        (await h.BlobCountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Duplicate_version_number_is_refused_and_storage_is_unchanged()
    {
        var h = new RegistryHarness(azurite);
        await h.Registry.RegisterAsync(RegistryHarness.Request(version: 1), RegistryHarness.Linear(0.1f), "alice", default);
        List<string> before = (await h.RowsAsync()).Select(r => r.RowKey + r.ETag).ToList();

        Func<Task> act = () => h.Registry.RegisterAsync(RegistryHarness.Request(version: 1), RegistryHarness.Linear(0.2f), "mallory", default);

        (await act.Should().ThrowAsync<DuplicateVersionException>()).Which.Message.Should().Contain("version 1");
        (await h.RowsAsync()).Select(r => r.RowKey + r.ETag).Should().Equal(before);
        (await h.BlobCountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Corrupted_onnx_and_hostile_names_store_nothing()
    {
        var h = new RegistryHarness(azurite);
        byte[] corrupted = RegistryHarness.Linear()[..40];

        Func<Task> corrupt = () => h.Registry.RegisterAsync(RegistryHarness.Request(), corrupted, "alice", default);
        Func<Task> traversal = () => h.Registry.RegisterAsync(RegistryHarness.Request(model: "../x"), RegistryHarness.Linear(), "alice", default);
        Func<Task> encoded = () => h.Registry.RegisterAsync(RegistryHarness.Request(model: "%2e%2e"), RegistryHarness.Linear(), "alice", default);

        await corrupt.Should().ThrowAsync<InvalidModelException>();
        (await traversal.Should().ThrowAsync<InvalidRegistryRequestException>()).Which.Field.Should().Be("model");
        (await encoded.Should().ThrowAsync<InvalidRegistryRequestException>()).Which.Field.Should().Be("model");
        (await h.RowsAsync()).Should().BeEmpty();
        (await h.BlobCountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Identical_bytes_are_written_once_and_reused()
    {
        var h = new RegistryHarness(azurite);
        byte[] artifact = RegistryHarness.Linear();
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(artifact));

        bool first = await h.Artifacts.PutAsync(sha, artifact, default);
        bool second = await h.Artifacts.PutAsync(sha, artifact, default);
        await h.Registry.RegisterAsync(RegistryHarness.Request("a"), artifact, "alice", default);
        await h.Registry.RegisterAsync(RegistryHarness.Request("b"), artifact, "alice", default);

        first.Should().BeTrue();
        second.Should().BeFalse();
        (await h.BlobCountAsync()).Should().Be(1);
        (await h.Container.GetBlobClient(BlobArtifactStore.BlobName(sha)).ExistsAsync()).Value.Should().BeTrue();
    }

    private static TableEntity Copy(TableEntity source, string rowKey)
    {
        var copy = new TableEntity(source.PartitionKey, rowKey);
        // Azure.Data.Tables lists the keys, timestamp and ETag among an entity's properties; copy only the data.
        foreach ((string key, object? value) in source.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")))
        {
            copy[key] = value;
        }

        return copy;
    }
}
