using Azure.Data.Tables;
using ModelOps.Monitoring.Retraining;
using ModelOps.Storage;
using ModelOps.Storage.Monitoring;
using ModelOps.Testing;

namespace ModelOps.Monitoring.Functions.Tests;

/// <summary>
/// The monitoring state row on Azurite: the cycle, retraining and champion–challenger each change their own fields of
/// it, possibly at once, and none may overwrite another's change.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class MonitoringStateTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);
    private readonly string _table = "state" + AzuriteFixture.UniqueName("m");
    private readonly string _model = AzuriteFixture.UniqueName("churn");
    private TableMonitoringHistory _history = null!;

    public Task InitializeAsync()
    {
        _history = MonitoringStorage.History(StorageConnection.FromConnectionString(azurite.ConnectionString), new MonitoringStorageOptions { HistoryTable = _table });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() =>
        await StorageConnection.FromConnectionString(azurite.ConnectionString).CreateTableServiceClient().DeleteTableAsync(_table);

    [Fact]
    public async Task Of_two_writers_that_read_the_same_state_only_the_first_saves()
    {
        await _history.UpdateStateAsync(_model, s => s with { LastRunAt = Now }, CancellationToken.None);
        StoredState first = await _history.ReadStateAsync(_model, CancellationToken.None);
        StoredState second = await _history.ReadStateAsync(_model, CancellationToken.None);

        bool firstSaved = await _history.TrySaveStateAsync(first.State with { JudgedChallenger = 2 }, first.Version, CancellationToken.None);
        bool secondSaved = await _history.TrySaveStateAsync(second.State with { LastRetrainAt = Now }, second.Version, CancellationToken.None);

        firstSaved.Should().BeTrue();
        secondSaved.Should().BeFalse();
        (await _history.GetStateAsync(_model, CancellationToken.None)).Should().Be(new MonitoringState(_model, null, null) { LastRunAt = Now, JudgedChallenger = 2 });
    }

    [Fact]
    public async Task Of_two_writers_creating_the_first_state_only_one_saves()
    {
        StoredState first = await _history.ReadStateAsync(_model, CancellationToken.None);
        StoredState second = await _history.ReadStateAsync(_model, CancellationToken.None);

        bool firstSaved = await _history.TrySaveStateAsync(first.State with { LastRunAt = Now }, first.Version, CancellationToken.None);
        bool secondSaved = await _history.TrySaveStateAsync(second.State with { JudgedChallenger = 2 }, second.Version, CancellationToken.None);

        first.Version.Should().BeNull();
        (firstSaved, secondSaved).Should().Be((true, false));
    }

    [Fact]
    public async Task A_change_that_loses_the_race_is_applied_again_so_both_changes_survive()
    {
        // The cycle reads the state; before it saves, a retrain saves its own change.
        await _history.UpdateStateAsync(_model, s => s with { RetrainRequestedAt = Now.AddMinutes(-5) }, CancellationToken.None);
        int applied = 0;

        MonitoringState saved = await _history.UpdateStateAsync(_model, s =>
        {
            if (applied++ == 0)
            {
                _history.UpdateStateAsync(_model, r => r with { LastRetrainAt = Now, RemodelNeededVersion = 3 }, CancellationToken.None).GetAwaiter().GetResult();
            }

            return s with { LastRunAt = Now.AddMinutes(1) };
        }, CancellationToken.None);

        applied.Should().Be(2);
        var expected = new MonitoringState(_model, Now, 3) { RetrainRequestedAt = Now.AddMinutes(-5), LastRunAt = Now.AddMinutes(1) };
        saved.Should().Be(expected);
        (await _history.GetStateAsync(_model, CancellationToken.None)).Should().Be(expected);
    }

    [Fact]
    public async Task Concurrent_changes_of_one_state_all_survive()
    {
        const int Writers = 6;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(() =>
            _history.UpdateStateAsync(_model, s => s with { JudgedChallenger = (s.JudgedChallenger ?? 0) + 1 }, CancellationToken.None))));

        (await _history.GetStateAsync(_model, CancellationToken.None)).JudgedChallenger.Should().Be(Writers);
    }
}
