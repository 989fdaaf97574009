using System.Globalization;

namespace ModelOps.Storage.Tables;

/// <summary>OData literals for filter values (Azure Storage REST, "Querying tables and entities").</summary>
internal static class ODataLiteral
{
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTimeOffset dto => "datetime'" + dto.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture) + "'",
        DateTime dt => "datetime'" + dt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture) + "'",
        Guid g => "guid'" + g.ToString("D") + "'",
        byte[] bytes => "X'" + Convert.ToHexString(bytes) + "'",
        Enum e => "'" + e.ToString().Replace("'", "''", StringComparison.Ordinal) + "'",
        _ => throw new ArgumentException($"A filter cannot hold a value of type {value.GetType().Name}.", nameof(value)),
    };
}
