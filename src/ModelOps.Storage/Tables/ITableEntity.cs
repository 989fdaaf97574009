using Azure;

namespace ModelOps.Storage.Tables;

/// <summary>The system properties every table entity has.</summary>
public interface ITableEntity
{
    string PartitionKey { get; set; }

    string RowKey { get; set; }

    DateTimeOffset? Timestamp { get; set; }

    ETag ETag { get; set; }
}

/// <summary>How an update writes properties: merge into the stored entity, or replace it whole.</summary>
public enum TableUpdateMode
{
    Merge = 0,
    Replace = 1,
}
