using Azure.Storage.Queues;
using ModelOps.Monitoring;

namespace ModelOps.Storage.Monitoring;

/// <summary>
/// Builds monitoring's adapters on a storage account. Queue clients encode messages as base64, what Functions queue
/// triggers expect by default (<c>messageEncoding</c> in host.json), so the apps' own triggers read what these write.
/// </summary>
public static class MonitoringStorage
{
    public static BlobPayloadLog PayloadLog(StorageConnection connection, MonitoringStorageOptions options) =>
        new(Checked(connection).CreateBlobServiceClient().GetBlobContainerClient(Checked(options).PayloadContainer));

    public static BlobPipelineSpecStore Specs(StorageConnection connection, MonitoringStorageOptions options) =>
        new(Checked(connection).CreateBlobServiceClient().GetBlobContainerClient(Checked(options).SpecContainer));

    public static TableMonitoringHistory History(StorageConnection connection, MonitoringStorageOptions options) =>
        new(Checked(connection).CreateTableServiceClient().GetTableClient(Checked(options).HistoryTable));

    public static TableOutcomeStore Outcomes(StorageConnection connection, MonitoringStorageOptions options, TimeProvider clock) =>
        new(Checked(connection).CreateTableServiceClient().GetTableClient(Checked(options).OutcomeTable), clock);

    public static QueueAlertSink Alerts(StorageConnection connection, MonitoringStorageOptions options) => new(Queue(connection, Checked(options).AlertQueue));

    public static QueuePromotionRequestSink Promotions(StorageConnection connection, MonitoringStorageOptions options) => new(Queue(connection, Checked(options).PromotionQueue));

    /// <summary>A base64-encoding queue client for <paramref name="name"/>.</summary>
    public static QueueClient Queue(StorageConnection connection, string name) =>
        Checked(connection).CreateQueueServiceClient(o => o.MessageEncoding = QueueMessageEncoding.Base64).GetQueueClient(name);

    private static T Checked<T>(T value)
        where T : class => value ?? throw new ArgumentNullException(nameof(value));
}
