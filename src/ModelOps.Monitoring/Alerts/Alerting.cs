using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ModelOps.Registry;

namespace ModelOps.Monitoring.Alerts;

/// <summary>
/// Raises alerts: addressed to the model's owner (when the owner is an e-mail address) and the policy's
/// <see cref="MonitoringPolicy.Notify"/> list, recorded in the model's history, then sent.
/// </summary>
public sealed class Alerting(ModelRegistry registry, IMonitoringHistory history, IAlertSink sink, MonitoringOptions options, TimeProvider clock)
{
    public async Task<MonitoringAlert> RaiseAsync(string model, int version, AlertKind kind, string subject, IReadOnlyList<string> reasons, CancellationToken cancellationToken)
    {
        Model found = await registry.GetModelAsync(model, cancellationToken).ConfigureAwait(false);
        string[] recipients = new[] { found.Owner }.Concat(options.For(model).Notify)
            .Where(a => a.Contains('@', StringComparison.Ordinal)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        DateTimeOffset at = clock.GetUtcNow();
        string id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{model}/{version}/{kind}/{at.UtcTicks}"))).AsSpan(0, 12));
        var alert = new MonitoringAlert("alert-" + id, model, version, kind, subject, reasons, at, recipients);
        await history.AddAlertAsync(alert, cancellationToken).ConfigureAwait(false);
        await sink.SendAsync(alert, cancellationToken).ConfigureAwait(false);
        return alert;
    }
}
