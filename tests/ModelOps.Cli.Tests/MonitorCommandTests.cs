using System.Text.Json;
using ModelOps.Cli;
using ModelOps.Learning.Drift;
using ModelOps.Monitoring;
using ModelOps.Monitoring.Accuracy;
using ModelOps.Monitoring.Alerts;
using ModelOps.Monitoring.Drift;
using ModelOps.Storage;
using ModelOps.Storage.Monitoring;
using ModelOps.Testing;

namespace ModelOps.Cli.Tests;

/// <summary><c>modelops monitor MODEL</c> against a monitoring history table on Azurite.</summary>
[Collection(AzuriteConsoleCollection.Name)]
public sealed class MonitorCommandTests(AzuriteFixture azurite)
{
    private readonly string _table = "hist" + AzuriteFixture.UniqueName("cli");

    private async Task SeedAsync(string model)
    {
        TableMonitoringHistory history = MonitoringStorage.History(StorageConnection.FromConnectionString(azurite.ConnectionString), new MonitoringStorageOptions { HistoryTable = _table });
        var at = new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);
        var contact = new ColumnDrift("contact", "categorical", "jensen_shannon", 1.2, null, null, null, null, 0, 0.8, 0.8, 0.1, true);
        var features = new DriftReport([contact], 1, true, DriftAnalysis.Rule) { DrivenBy = ["contact"] };
        var score = new ColumnDrift("score", "numeric", "psi", 0.4, null, null, null, null, null, null, 0.4, 0.2, true);
        for (int day = 0; day < 3; day++)
        {
            await history.AddDriftAsync(new DriftWindow(model, 1, at.AddDays(day - 1), at.AddDays(day), 5000, features, score, day == 2, []), CancellationToken.None);
            await history.AddAccuracyAsync(new RealizedAccuracy(model, 1, at.AddDays(day - 1), at.AddDays(day), 4000, 400, 0.7 - (day * 0.05), 0.3, 0.9, 1200, 12, day == 2, []), CancellationToken.None);
        }

        await history.AddAlertAsync(new MonitoringAlert("alert-1", model, 1, AlertKind.Drift, $"{model} v1: live traffic drifted", ["1 of 1 inputs drifted (contact)"], at.AddDays(2), ["owner@example.org"]), CancellationToken.None);
    }

    [Fact]
    public async Task Monitor_prints_drift_and_accuracy_history_newest_first_and_the_latest_alerts()
    {
        await SeedAsync("bank");

        (int exit, string output, string error) = await CommandRunner.RunAsync(MonitorCommand.Create(), "bank", "--connection", azurite.ConnectionString, "--table", _table, "--take", "2");

        exit.Should().Be(0, error);
        string[] lines = output.Split('\n', StringSplitOptions.TrimEntries);
        lines.Should().Contain("bank: drift (2)").And.Contain("bank: realized accuracy (2)").And.Contain("bank: latest alerts (1)");
        string firstDrift = lines[Array.IndexOf(lines, "bank: drift (2)") + 2];
        firstDrift.Should().StartWith("2026-12-03 06:00:00Z").And.Contain("yes").And.EndWith("contact");
        lines[Array.IndexOf(lines, "bank: realized accuracy (2)") + 2].Should().Contain("0.6000");
        output.Should().Contain("Drift").And.Contain("bank v1: live traffic drifted");
    }

    [Fact]
    public async Task Monitor_json_is_the_history_document_and_bad_options_name_themselves()
    {
        await SeedAsync("telco");

        (int exit, string output, _) = await CommandRunner.RunAsync(MonitorCommand.Create(), "telco", "--connection", azurite.ConnectionString, "--table", _table, "--json");
        (int badTake, _, string takeError) = await CommandRunner.RunAsync(MonitorCommand.Create(), "telco", "--connection", azurite.ConnectionString, "--take", "0");
        (int badModel, _, string modelError) = await CommandRunner.RunAsync(MonitorCommand.Create(), "Not A Model", "--connection", azurite.ConnectionString);
        (int none, string quietOut, string quietError) = await CommandRunner.RunAsync(MonitorCommand.Create(), "nohistory", "--connection", azurite.ConnectionString, "--table", _table, "--quiet");

        exit.Should().Be(0);
        HistoryEntry[] entries = JsonSerializer.Deserialize(output, MonitoringJsonContext.Default.HistoryEntryArray)!;
        entries.Should().HaveCount(7);
        entries.Count(e => e.Drift is not null).Should().Be(3);
        badTake.Should().Be(2);
        takeError.Should().Contain("--take");
        badModel.Should().Be(2);
        modelError.Should().Contain("MODEL");
        none.Should().Be(0);
        (quietOut + quietError).Should().BeEmpty();
    }
}
