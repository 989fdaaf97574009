using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelOps.Monitoring;
using ModelOps.Monitoring.Accuracy;
using ModelOps.Monitoring.Drift;
using ModelOps.Registry;
using ModelOps.Storage;
using ModelOps.Storage.Monitoring;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops monitor MODEL</c>: a model's drift and realized-accuracy history as tables, newest first, and its latest
/// alerts, read from the monitoring history table (<c>--connection</c>, default the <c>AzureWebJobsStorage</c> connection).
/// <c>--json</c> prints the history entries as one JSON document.
/// </summary>
internal static class MonitorCommand
{
    private static readonly JsonSerializerOptions Indented = new(MonitoringJsonContext.Default.Options) { WriteIndented = true };

    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "The model." };
        var connection = new Option<string?>("--connection")
        {
            Description = "Storage connection string (default: the AzureWebJobsStorage connection from the environment, connection string or identity-based; else local Azurite).",
        };
        var table = new Option<string>("--table") { Description = "Monitoring history table.", DefaultValueFactory = _ => new MonitoringStorageOptions().HistoryTable };
        var take = new Option<int>("--take") { Description = "Entries of each kind to show (1-1000).", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the history as one JSON document instead of tables." };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("monitor", "Show a model's drift and accuracy history and its latest alerts.") { model, connection, table, take, json, quiet };
        command.SetAction((result, ct) => CliRun.GuardedAsync("monitor", async () =>
        {
            string name = result.GetValue(model)!;
            try
            {
                RegistryNames.Check(name, "MODEL");
            }
            catch (InvalidRegistryRequestException e)
            {
                throw new CliUsageException($"MODEL: {e.Message}");
            }

            int count = result.GetValue(take);
            if (count is < 1 or > 1000) throw new CliUsageException($"--take: '{count}' must be between 1 and 1000.");
            var storage = new MonitoringStorageOptions { HistoryTable = result.GetValue(table)! };
            if (storage.Problems() is [var problem, ..]) throw new CliUsageException("--table: " + problem);
            StorageConnection account = CliStorage.Connection(result.GetValue(connection));
            IReadOnlyList<HistoryEntry> entries = await MonitoringStorage.History(account, storage).ListAsync(name, count, ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(entries.ToArray(), new MonitoringJsonContext(Indented).HistoryEntryArray));
                return CliRun.Ok;
            }

            if (entries.Count == 0)
            {
                if (!result.GetValue(quiet)) Console.Error.WriteLine($"modelops monitor: no monitoring history for '{name}' in table {storage.HistoryTable}");
                return CliRun.Ok;
            }

            Console.Write(Render(name, entries));
            return CliRun.Ok;
        }));
        return command;
    }

    /// <summary>The history as three plain-text tables: drift, accuracy, alerts.</summary>
    internal static string Render(string model, IReadOnlyList<HistoryEntry> entries)
    {
        var text = new StringBuilder();
        DriftWindow[] drift = entries.Select(e => e.Drift).OfType<DriftWindow>().ToArray();
        RealizedAccuracy[] accuracy = entries.Select(e => e.Accuracy).OfType<RealizedAccuracy>().ToArray();
        var alerts = entries.Select(e => e.Alert).OfType<Monitoring.Alerts.MonitoringAlert>().ToArray();
        text.AppendLine(CultureInfo.InvariantCulture, $"{model}: drift ({drift.Length})");
        Table(text, ["window end", "version", "rows", "drifted", "score PSI", "breached", "driven by"], drift.Select(d => new[]
        {
            d.To.ToString("u", CultureInfo.InvariantCulture), "v" + d.Version.ToString(CultureInfo.InvariantCulture), d.Rows.ToString(CultureInfo.InvariantCulture),
            d.Features.DriftedShare.ToString("P0", CultureInfo.InvariantCulture), Number(d.Prediction?.Score, "F3"), d.Breached ? "yes" : "no",
            string.Join(",", d.Features.DrivenBy.Take(4)) + (d.Features.DrivenBy.Count > 4 ? ",…" : string.Empty),
        }));
        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{model}: realized accuracy ({accuracy.Length})");
        Table(text, ["window end", "version", "labelled", "AUROC", "log-loss", "accuracy", "value", "breached"], accuracy.Select(a => new[]
        {
            a.To.ToString("u", CultureInfo.InvariantCulture), "v" + a.Version.ToString(CultureInfo.InvariantCulture), a.Labelled.ToString(CultureInfo.InvariantCulture),
            Number(a.Auroc, "F4"), Number(a.LogLoss, "F4"), Number(a.Accuracy, "F4"), Number(a.BusinessValue, "F2"), a.Breached ? "yes" : "no",
        }));
        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{model}: latest alerts ({alerts.Length})");
        Table(text, ["at", "version", "kind", "subject"], alerts.Select(a => new[]
        {
            a.At.ToString("u", CultureInfo.InvariantCulture), "v" + a.Version.ToString(CultureInfo.InvariantCulture), a.Kind.ToString(), a.Subject,
        }));
        return text.ToString();
    }

    private static string Number(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static void Table(StringBuilder text, string[] header, IEnumerable<string[]> rows)
    {
        string[][] all = [header, .. rows];
        int[] widths = Enumerable.Range(0, header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        foreach (string[] row in all)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        }
    }
}
