using System.Text.Json;
using Azure.Storage.Queues;
using ModelOps.Monitoring;
using ModelOps.Monitoring.Alerts;
using ModelOps.Registry.Promotion;

namespace ModelOps.Storage.Monitoring;

/// <summary>Alerts as JSON messages on the alerts queue, for any system that wants them (the queue is made on first use).</summary>
public sealed class QueueAlertSink(QueueClient queue) : IAlertSink
{
    private readonly Lazy<Task> _created = new(() => queue.CreateIfNotExistsAsync());

    /// <inheritdoc />
    public async Task SendAsync(MonitoringAlert alert, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        await queue.SendMessageAsync(JsonSerializer.Serialize(alert, MonitoringJsonContext.Default.MonitoringAlert), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Promotion requests as JSON messages on the promotion-requests queue, where the approval workflow picks them up.</summary>
public sealed class QueuePromotionRequestSink(QueueClient queue) : IPromotionRequestSink
{
    private readonly Lazy<Task> _created = new(() => queue.CreateIfNotExistsAsync());

    /// <inheritdoc />
    public async Task SubmitAsync(PromotionRequest request, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        await queue.SendMessageAsync(JsonSerializer.Serialize(request, PromotionJsonContext.Default.PromotionRequest), cancellationToken).ConfigureAwait(false);
    }
}
