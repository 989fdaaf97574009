using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Azure.Data.Tables;
using ModelOps.Monitoring;
using ModelOps.Monitoring.Accuracy;
using ModelOps.Monitoring.Alerts;
using ModelOps.Monitoring.Drift;
using ModelOps.Monitoring.Retraining;

namespace ModelOps.Storage.Monitoring;

/// <summary>
/// Monitoring history in one table: partition = model; row keys <c>drift|…</c>, <c>accuracy|…</c>, <c>alert|…</c>
/// with inverted ticks, so a range query reads the newest first, and <c>state</c> for the retrain state. Each row
/// keeps a few columns to filter and read at a glance, and the whole record as JSON in <c>Json</c>.
/// </summary>
public sealed class TableMonitoringHistory(TableClient table) : IMonitoringHistory
{
    private const string StateRow = "state";
    private readonly Lazy<Task> _created = new(() => table.CreateIfNotExistsAsync());

    /// <inheritdoc />
    public Task AddDriftAsync(DriftWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        return AddAsync(window.Model, "drift", window.To, window.Version, window, MonitoringJsonContext.Default.DriftWindow, new()
        {
            ["Rows"] = window.Rows,
            ["DriftedShare"] = window.Features.DriftedShare,
            ["DrivenBy"] = string.Join(",", window.Features.DrivenBy),
            ["PredictionPsi"] = window.Prediction?.Score,
            ["Breached"] = window.Breached,
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task AddAccuracyAsync(RealizedAccuracy accuracy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accuracy);
        return AddAsync(accuracy.Model, "accuracy", accuracy.To, accuracy.Version, accuracy, MonitoringJsonContext.Default.RealizedAccuracy, new()
        {
            ["Labelled"] = accuracy.Labelled,
            ["Auroc"] = accuracy.Auroc,
            ["LogLoss"] = accuracy.LogLoss,
            ["Accuracy"] = accuracy.Accuracy,
            ["BusinessValue"] = accuracy.BusinessValue,
            ["Breached"] = accuracy.Breached,
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task AddAlertAsync(MonitoringAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return AddAsync(alert.Model, "alert", alert.At, alert.Version, alert, MonitoringJsonContext.Default.MonitoringAlert, new()
        {
            ["Kind"] = alert.Kind.ToString(),
            ["Subject"] = alert.Subject,
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<HistoryEntry>> ListAsync(string model, int take, CancellationToken cancellationToken)
    {
        var entries = new List<HistoryEntry>();
        foreach (string kind in new[] { "drift", "accuracy", "alert" })
        {
            string filter = TableClient.CreateQueryFilter($"PartitionKey eq {model} and RowKey ge {kind + "|"} and RowKey lt {kind + "}"}");
            try
            {
                await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, maxPerPage: take, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    string json = row.GetString("Json");
                    DateTimeOffset at = row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue;
                    entries.Add(kind switch
                    {
                        "drift" => new HistoryEntry(at, JsonSerializer.Deserialize(json, MonitoringJsonContext.Default.DriftWindow), null, null),
                        "accuracy" => new HistoryEntry(at, null, JsonSerializer.Deserialize(json, MonitoringJsonContext.Default.RealizedAccuracy), null),
                        _ => new HistoryEntry(at, null, null, JsonSerializer.Deserialize(json, MonitoringJsonContext.Default.MonitoringAlert)),
                    });
                    if (entries.Count(e => Kind(e) == kind) >= take) break;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return [];
            }
        }

        return entries.OrderByDescending(e => e.At).ToArray();
    }

    /// <inheritdoc />
    public async Task<MonitoringState> GetStateAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            NullableResponse<TableEntity> row = await table.GetEntityIfExistsAsync<TableEntity>(model, StateRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            return row.HasValue ? JsonSerializer.Deserialize(row.Value!.GetString("Json"), MonitoringJsonContext.Default.MonitoringState)! : MonitoringState.New(model);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return MonitoringState.New(model);
        }
    }

    /// <inheritdoc />
    public async Task<StoredState> ReadStateAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            NullableResponse<TableEntity> row = await table.GetEntityIfExistsAsync<TableEntity>(model, StateRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            return row.HasValue
                ? new StoredState(JsonSerializer.Deserialize(row.Value!.GetString("Json"), MonitoringJsonContext.Default.MonitoringState)!, row.Value.ETag.ToString())
                : new StoredState(MonitoringState.New(model), null);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new StoredState(MonitoringState.New(model), null);
        }
    }

    /// <inheritdoc />
    public async Task<bool> TrySaveStateAsync(MonitoringState state, string? readAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await _created.Value.ConfigureAwait(false);
        var row = new TableEntity(state.Model, StateRow) { ["Json"] = JsonSerializer.Serialize(state, MonitoringJsonContext.Default.MonitoringState) };
        try
        {
            if (readAt is null)
            {
                await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await table.UpdateEntityAsync(row, new ETag(readAt), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            // 409: another writer saved the first state; 412: another writer saved since it was read; 404: it was deleted.
            return false;
        }
    }

    private static string Kind(HistoryEntry e) => e.Drift is not null ? "drift" : e.Accuracy is not null ? "accuracy" : "alert";

    private async Task AddAsync<T>(string model, string kind, DateTimeOffset at, int version, T record, JsonTypeInfo<T> type, Dictionary<string, object?> columns, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        string rowKey = string.Create(CultureInfo.InvariantCulture, $"{kind}|{DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks:D19}|{version:D6}");
        var row = new TableEntity(model, rowKey) { ["At"] = at.UtcDateTime, ["Version"] = version, ["Json"] = JsonSerializer.Serialize(record, type) };
        foreach ((string name, object? value) in columns)
        {
            row[name] = value;
        }

        // A rerun of the same window replaces its row rather than adding a second one.
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }
}
