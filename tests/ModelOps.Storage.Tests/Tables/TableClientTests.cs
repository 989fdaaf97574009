using Azure;
using Azure.Core;
using ModelOps.Storage.Tables;
using ModelOps.Testing;

namespace ModelOps.Storage.Tests.Tables;

[Collection(AzuriteCollection.Name)]
public sealed class TableClientTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly RequestRecorder _recorder = new();
    private TableClient _table = null!;

    public async Task InitializeAsync()
    {
        var options = new TableClientOptions();
        options.AddPolicy(_recorder, HttpPipelinePosition.PerRetry);
        var service = new TableServiceClient(azurite.ConnectionString, options);
        _table = service.GetTableClient(AzuriteFixture.UniqueName("t"));
        (await _table.CreateIfNotExistsAsync()).Value.Should().BeTrue();
    }

    public async Task DisposeAsync() => await _table.DeleteAsync();

    [Fact]
    public async Task Every_property_type_round_trips_with_its_edm_type()
    {
        var when = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 123, TimeSpan.Zero).AddTicks(4567);
        var id = Guid.NewGuid();
        var entity = new TableEntity("p", "r")
        {
            ["Text"] = "naïve 'quoted' ✓",
            ["Small"] = 42,
            ["Big"] = 9_007_199_254_740_993L,
            ["Whole"] = 3.0,
            ["Ratio"] = 0.1 + 0.2,
            ["Flag"] = true,
            ["When"] = when,
            ["Id"] = id,
            ["Bytes"] = new byte[] { 0, 1, 2, 255 },
        };

        await _table.AddEntityAsync(entity);
        TableEntity read = (await _table.GetEntityAsync<TableEntity>("p", "r")).Value;

        read.GetString("Text").Should().Be("naïve 'quoted' ✓");
        read["Small"].Should().BeOfType<int>().Which.Should().Be(42);
        read["Big"].Should().BeOfType<long>().Which.Should().Be(9_007_199_254_740_993L);
        read["Whole"].Should().BeOfType<double>().Which.Should().Be(3.0);
        read.GetDouble("Ratio").Should().Be(0.1 + 0.2);
        read.GetBoolean("Flag").Should().BeTrue();
        read.GetDateTimeOffset("When").Should().Be(when);
        read.GetGuid("Id").Should().Be(id);
        read.GetBinary("Bytes").Should().Equal(0, 1, 2, 255);
        read.ETag.Should().NotBe(default(ETag));
        read.Timestamp.Should().NotBeNull();
    }

    [Fact]
    public async Task Typed_entities_map_both_ways()
    {
        var model = new ModelRow
        {
            PartitionKey = "churn",
            RowKey = "v1",
            Version = 7,
            SizeBytes = 5_000_000_000,
            Auroc = 0.83,
            Archived = false,
            RegisteredAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            ArtifactId = Guid.NewGuid(),
            Digest = [1, 2, 3],
            Stage = Stage.Champion,
            Note = null,
        };

        await _table.AddEntityAsync(model);
        ModelRow read = (await _table.GetEntityAsync<ModelRow>("churn", "v1")).Value;

        read.Should().BeEquivalentTo(model, o => o.Excluding(m => m.ETag).Excluding(m => m.Timestamp));
        read.ETag.Should().NotBe(default(ETag));
    }

    [Fact]
    public async Task Stale_etag_gets_412_and_etag_all_overrides()
    {
        await _table.AddEntityAsync(new TableEntity("p", "r") { ["N"] = 1 });
        TableEntity first = (await _table.GetEntityAsync<TableEntity>("p", "r")).Value;
        first["N"] = 2;
        await _table.UpdateEntityAsync(first, first.ETag);

        first["N"] = 3;
        Func<Task> stale = () => _table.UpdateEntityAsync(first, first.ETag);
        (await stale.Should().ThrowAsync<RequestFailedException>()).Which.Status.Should().Be(412);

        await _table.UpdateEntityAsync(first, ETag.All);
        (await _table.GetEntityAsync<TableEntity>("p", "r")).Value.GetInt32("N").Should().Be(3);
    }

    [Fact]
    public async Task Duplicate_insert_gets_409_entity_already_exists()
    {
        await _table.AddEntityAsync(new TableEntity("p", "r"));

        Func<Task> again = () => _table.AddEntityAsync(new TableEntity("p", "r"));

        RequestFailedException e = (await again.Should().ThrowAsync<RequestFailedException>()).Which;
        e.Status.Should().Be(409);
        e.ErrorCode.Should().Be("EntityAlreadyExists");
    }

    [Fact]
    public async Task Missing_entity_gets_404_or_an_empty_answer()
    {
        Func<Task> get = () => _table.GetEntityAsync<TableEntity>("p", "missing");

        (await get.Should().ThrowAsync<RequestFailedException>()).Which.Status.Should().Be(404);
        (await _table.GetEntityIfExistsAsync<TableEntity>("p", "missing")).HasValue.Should().BeFalse();
        Func<Task> update = () => _table.UpdateEntityAsync(new TableEntity("p", "missing"), ETag.All);
        (await update.Should().ThrowAsync<RequestFailedException>()).Which.Status.Should().Be(404);
    }

    [Fact]
    public async Task Delete_with_stale_etag_gets_412_and_with_current_etag_succeeds()
    {
        await _table.AddEntityAsync(new TableEntity("p", "r") { ["N"] = 1 });
        ETag original = (await _table.GetEntityAsync<TableEntity>("p", "r")).Value.ETag;
        await _table.UpsertEntityAsync(new TableEntity("p", "r") { ["N"] = 2 });

        Func<Task> stale = () => _table.DeleteEntityAsync("p", "r", original);
        (await stale.Should().ThrowAsync<RequestFailedException>()).Which.Status.Should().Be(412);

        ETag current = (await _table.GetEntityAsync<TableEntity>("p", "r")).Value.ETag;
        await _table.DeleteEntityAsync("p", "r", current);
        (await _table.GetEntityIfExistsAsync<TableEntity>("p", "r")).HasValue.Should().BeFalse();
    }

    [Fact]
    public async Task Upsert_merge_keeps_other_properties_and_replace_drops_them()
    {
        await _table.AddEntityAsync(new TableEntity("p", "merge") { ["A"] = "a", ["B"] = "b" });
        await _table.AddEntityAsync(new TableEntity("p", "replace") { ["A"] = "a", ["B"] = "b" });

        await _table.UpsertEntityAsync(new TableEntity("p", "merge") { ["B"] = "B2" }, TableUpdateMode.Merge);
        await _table.UpsertEntityAsync(new TableEntity("p", "replace") { ["B"] = "B2" }, TableUpdateMode.Replace);
        await _table.UpsertEntityAsync(new TableEntity("p", "new") { ["C"] = "c" }, TableUpdateMode.Merge);

        TableEntity merged = (await _table.GetEntityAsync<TableEntity>("p", "merge")).Value;
        TableEntity replaced = (await _table.GetEntityAsync<TableEntity>("p", "replace")).Value;
        merged.GetString("A").Should().Be("a");
        merged.GetString("B").Should().Be("B2");
        replaced.ContainsKey("A").Should().BeFalse();
        replaced.GetString("B").Should().Be("B2");
        (await _table.GetEntityAsync<TableEntity>("p", "new")).Value.GetString("C").Should().Be("c");
    }

    [Fact]
    public async Task Query_over_2500_entities_follows_continuations_across_pages()
    {
        for (int partition = 0; partition < 25; partition++)
        {
            string pk = $"p{partition:D2}";
            await _table.SubmitTransactionAsync(Enumerable.Range(0, 100).Select(i =>
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, $"r{i:D3}") { ["I"] = (partition * 100) + i, ["Odd"] = i % 2 == 1 })));
        }

        int requestsBefore = _recorder.Requests.Count;
        var all = new List<TableEntity>();
        int pages = 0;
        await foreach (Page<TableEntity> page in _table.QueryAsync<TableEntity>(maxPerPage: 1000).AsPages())
        {
            pages++;
            all.AddRange(page.Values);
        }

        var odd = new List<TableEntity>();
        await foreach (TableEntity e in _table.QueryAsync<TableEntity>("Odd eq true", maxPerPage: 300, select: ["I"]))
        {
            odd.Add(e);
        }

        all.Should().HaveCount(2500);
        all.Select(e => e.GetInt32("I")).Should().OnlyHaveUniqueItems();
        pages.Should().BeGreaterThanOrEqualTo(3);
        _recorder.Requests.Count.Should().BeGreaterThanOrEqualTo(requestsBefore + 3);
        odd.Should().HaveCount(1250);
        odd.Should().OnlyContain(e => e.Count == 1 && e.ContainsKey("I"));
    }

    [Fact]
    public async Task Filter_built_with_create_query_filter_quotes_values()
    {
        await _table.AddEntityAsync(new TableEntity("p", "1") { ["Owner"] = "O'Brien", ["Size"] = 5L });
        await _table.AddEntityAsync(new TableEntity("p", "2") { ["Owner"] = "Smith", ["Size"] = 7L });
        string owner = "O'Brien";

        string filter = TableClient.CreateQueryFilter($"Owner eq {owner} and Size lt {6L}");
        var found = new List<TableEntity>();
        await foreach (TableEntity e in _table.QueryAsync<TableEntity>(filter))
        {
            found.Add(e);
        }

        filter.Should().Be("Owner eq 'O''Brien' and Size lt 6L");
        found.Should().ContainSingle().Which.RowKey.Should().Be("1");
    }

    [Fact]
    public async Task Transaction_with_one_bad_operation_applies_nothing_and_names_its_index()
    {
        await _table.AddEntityAsync(new TableEntity("p", "exists") { ["V"] = "original" });
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "b") { ["V"] = "b" }),
            new(TableTransactionActionType.Add, new TableEntity("p", "exists") { ["V"] = "changed" }),
            new(TableTransactionActionType.Add, new TableEntity("p", "c")),
        };

        Func<Task> submit = () => _table.SubmitTransactionAsync(actions);

        TableTransactionFailedException e = (await submit.Should().ThrowAsync<TableTransactionFailedException>()).Which;
        e.FailedTransactionActionIndex.Should().Be(2);
        e.Status.Should().Be(409);
        (await _table.GetEntityIfExistsAsync<TableEntity>("p", "a")).HasValue.Should().BeFalse();
        (await _table.GetEntityIfExistsAsync<TableEntity>("p", "b")).HasValue.Should().BeFalse();
        (await _table.GetEntityAsync<TableEntity>("p", "exists")).Value.GetString("V").Should().Be("original");
    }

    [Fact]
    public async Task Transaction_applies_every_kind_of_operation_together()
    {
        await _table.AddEntityAsync(new TableEntity("p", "merge") { ["A"] = "a" });
        await _table.AddEntityAsync(new TableEntity("p", "replace") { ["A"] = "a" });
        await _table.AddEntityAsync(new TableEntity("p", "delete"));
        ETag mergeTag = (await _table.GetEntityAsync<TableEntity>("p", "merge")).Value.ETag;

        await _table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "add") { ["N"] = 1 }),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "merge") { ["B"] = "b" }, mergeTag),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "replace") { ["B"] = "b" }),
            new(TableTransactionActionType.Delete, new TableEntity("p", "delete")),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "upsert") { ["C"] = "c" }),
        ]);

        (await _table.GetEntityAsync<TableEntity>("p", "add")).Value.GetInt32("N").Should().Be(1);
        TableEntity merged = (await _table.GetEntityAsync<TableEntity>("p", "merge")).Value;
        merged.GetString("A").Should().Be("a");
        merged.GetString("B").Should().Be("b");
        (await _table.GetEntityAsync<TableEntity>("p", "replace")).Value.ContainsKey("A").Should().BeFalse();
        (await _table.GetEntityIfExistsAsync<TableEntity>("p", "delete")).HasValue.Should().BeFalse();
        (await _table.GetEntityAsync<TableEntity>("p", "upsert")).Value.GetString("C").Should().Be("c");
    }

    [Fact]
    public async Task Transaction_with_a_stale_etag_fails_with_412_at_that_index()
    {
        await _table.AddEntityAsync(new TableEntity("p", "state") { ["Status"] = "Pending" });
        ETag seen = (await _table.GetEntityAsync<TableEntity>("p", "state")).Value.ETag;
        await _table.UpsertEntityAsync(new TableEntity("p", "state") { ["Status"] = "Approved" });

        Func<Task> decide = () => _table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "evt-1")),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "state") { ["Status"] = "Rejected" }, seen),
        ]);

        TableTransactionFailedException e = (await decide.Should().ThrowAsync<TableTransactionFailedException>()).Which;
        e.Status.Should().Be(412);
        e.FailedTransactionActionIndex.Should().Be(1);
        (await _table.GetEntityIfExistsAsync<TableEntity>("p", "evt-1")).HasValue.Should().BeFalse();
    }

    private enum Stage
    {
        None,
        Champion,
    }

    private sealed class ModelRow : ITableEntity
    {
        public string PartitionKey { get; set; } = string.Empty;

        public string RowKey { get; set; } = string.Empty;

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public int Version { get; set; }

        public long SizeBytes { get; set; }

        public double Auroc { get; set; }

        public bool Archived { get; set; }

        public DateTimeOffset RegisteredAt { get; set; }

        public Guid ArtifactId { get; set; }

        public byte[]? Digest { get; set; }

        public Stage Stage { get; set; }

        public string? Note { get; set; }
    }
}
