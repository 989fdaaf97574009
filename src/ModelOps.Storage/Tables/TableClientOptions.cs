using Azure.Core;

namespace ModelOps.Storage.Tables;

/// <summary>Options for <see cref="TableServiceClient"/> and <see cref="TableClient"/>: retries, transport, diagnostics.</summary>
public sealed class TableClientOptions : ClientOptions
{
    /// <summary>The Table REST version sent as <c>x-ms-version</c> (the one Azure.Data.Tables uses by default).</summary>
    public const string ServiceVersion = "2019-02-02";

    /// <summary>Creates options with the Azure SDK's default exponential retry policy.</summary>
    public TableClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 3;
        Retry.Delay = TimeSpan.FromMilliseconds(200);
    }

    /// <summary>The clock used for request dates (tests inject a fixed one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
