using System.Collections.Concurrent;
using System.Reflection;
using Azure;

namespace ModelOps.Storage.Tables;

/// <summary>
/// Maps typed entities (classes implementing <see cref="ITableEntity"/> with public settable properties)
/// to and from table properties. <see cref="TableEntity"/> passes through as it is. Property lists are
/// reflected once per type and cached.
/// </summary>
internal static class TableEntityMapper
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> PropertiesByType = new();

    private static readonly HashSet<string> SystemProperties = new(StringComparer.Ordinal)
    {
        nameof(ITableEntity.PartitionKey), nameof(ITableEntity.RowKey), nameof(ITableEntity.Timestamp), nameof(ITableEntity.ETag),
    };

    public static IEnumerable<KeyValuePair<string, object?>> ToProperties(ITableEntity entity)
    {
        if (entity is TableEntity dictionary)
        {
            return dictionary;
        }

        return Properties(entity.GetType()).Select(p => new KeyValuePair<string, object?>(p.Name, p.GetValue(entity)));
    }

    public static T FromEntity<T>(TableEntity source)
        where T : class, ITableEntity, new()
    {
        if (source is T same)
        {
            return same;
        }

        var target = new T
        {
            PartitionKey = source.PartitionKey,
            RowKey = source.RowKey,
            Timestamp = source.Timestamp,
            ETag = source.ETag,
        };
        foreach (PropertyInfo property in Properties(typeof(T)))
        {
            if (source.TryGetValue(property.Name, out object? value) && value is not null)
            {
                property.SetValue(target, Convert(value, property.PropertyType, property.Name));
            }
        }

        return target;
    }

    private static PropertyInfo[] Properties(Type type) => PropertiesByType.GetOrAdd(type, t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0 && !SystemProperties.Contains(p.Name))
        .ToArray());

    private static object Convert(object value, Type target, string name)
    {
        Type type = Nullable.GetUnderlyingType(target) ?? target;
        if (type.IsInstanceOfType(value))
        {
            return value;
        }

        return (type, value) switch
        {
            (_, string s) when type.IsEnum => Enum.Parse(type, s),
            _ when type == typeof(long) && value is int i => (long)i,
            _ when type == typeof(double) && value is int i => (double)i,
            _ when type == typeof(double) && value is long l => (double)l,
            _ when type == typeof(DateTime) && value is DateTimeOffset dto => dto.UtcDateTime,
            _ when type == typeof(BinaryData) && value is byte[] bytes => new BinaryData(bytes),
            _ when type == typeof(ETag) && value is string e => new ETag(e),
            _ => throw new InvalidOperationException($"Property '{name}' holds {value.GetType().Name}, which cannot be assigned to {type.Name}."),
        };
    }
}
