using System.Collections;
using Azure;

namespace ModelOps.Storage.Tables;

/// <summary>
/// A table entity as a dictionary of property names to values (string, int, long, double, bool,
/// DateTimeOffset, Guid, byte[]), with the system properties as typed members.
/// </summary>
public sealed class TableEntity : ITableEntity, IDictionary<string, object?>
{
    private readonly Dictionary<string, object?> _properties = new(StringComparer.Ordinal);

    public TableEntity()
    {
    }

    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public object? this[string key]
    {
        get => _properties.TryGetValue(key, out object? value) ? value : null;
        set => _properties[key] = value;
    }

    public string? GetString(string key) => Get<string>(key);

    public int? GetInt32(string key) => GetStruct<int>(key);

    public long? GetInt64(string key) => this[key] is int i ? i : GetStruct<long>(key);

    public double? GetDouble(string key) => this[key] switch
    {
        int i => i,
        long l => l,
        _ => GetStruct<double>(key),
    };

    public bool? GetBoolean(string key) => GetStruct<bool>(key);

    public DateTimeOffset? GetDateTimeOffset(string key) => this[key] is DateTime d ? new DateTimeOffset(d.ToUniversalTime()) : GetStruct<DateTimeOffset>(key);

    public DateTime? GetDateTime(string key) => GetDateTimeOffset(key)?.UtcDateTime;

    public Guid? GetGuid(string key) => GetStruct<Guid>(key);

    public byte[]? GetBinary(string key) => this[key] is BinaryData data ? data.ToArray() : Get<byte[]>(key);

    private T? Get<T>(string key)
        where T : class => this[key] switch
        {
            null => null,
            T value => value,
            object other => throw new InvalidOperationException($"Property '{key}' is {other.GetType().Name}, not {typeof(T).Name}."),
        };

    private T? GetStruct<T>(string key)
        where T : struct => this[key] switch
        {
            null => null,
            T value => value,
            object other => throw new InvalidOperationException($"Property '{key}' is {other.GetType().Name}, not {typeof(T).Name}."),
        };

    public ICollection<string> Keys => _properties.Keys;

    public ICollection<object?> Values => _properties.Values;

    public int Count => _properties.Count;

    bool ICollection<KeyValuePair<string, object?>>.IsReadOnly => false;

    public void Add(string key, object? value) => _properties.Add(key, value);

    public bool ContainsKey(string key) => _properties.ContainsKey(key);

    public bool Remove(string key) => _properties.Remove(key);

    public bool TryGetValue(string key, out object? value) => _properties.TryGetValue(key, out value);

    public void Add(KeyValuePair<string, object?> item) => _properties.Add(item.Key, item.Value);

    public void Clear() => _properties.Clear();

    public bool Contains(KeyValuePair<string, object?> item) => ((ICollection<KeyValuePair<string, object?>>)_properties).Contains(item);

    public void CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex) => ((ICollection<KeyValuePair<string, object?>>)_properties).CopyTo(array, arrayIndex);

    public bool Remove(KeyValuePair<string, object?> item) => ((ICollection<KeyValuePair<string, object?>>)_properties).Remove(item);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
