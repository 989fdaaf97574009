using System.Text.RegularExpressions;

namespace ModelOps.Storage.Tables;

/// <summary>
/// Checks what the Table service would reject, before a request is sent, with an
/// <see cref="ArgumentException"/> naming the field. Limits from the Azure Storage REST reference,
/// "Understanding the Table service data model": table names <c>^[A-Za-z][A-Za-z0-9]{2,62}$</c>;
/// PartitionKey and RowKey up to 1 KiB (UTF-16, so 512 characters) without <c>/ \ # ?</c> or control
/// characters (U+0000–U+001F, U+007F–U+009F); at most 252 user properties; property names up to 255
/// characters; String and Binary values up to 64 KiB; an entity up to 1 MiB.
/// </summary>
internal static partial class TableValidation
{
    public const int MaxKeyCharacters = 512;
    public const int MaxUserProperties = 252;
    public const int MaxPropertyNameLength = 255;
    public const int MaxStringCharacters = 32 * 1024;
    public const int MaxBinaryBytes = 64 * 1024;
    public const int MaxEntityBytes = 1024 * 1024;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TableNamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PropertyNamePattern();

    public static void TableName(string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        if (!TableNamePattern().IsMatch(tableName) || string.Equals(tableName, "tables", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"Table name '{Printable(tableName)}' is invalid: 3–63 letters or digits, starting with a letter, and not 'tables'.",
                nameof(tableName));
        }
    }

    public static void Key(string? key, string paramName)
    {
        if (key is null)
        {
            throw new ArgumentNullException(paramName, $"{paramName} is required.");
        }

        if (key.Length > MaxKeyCharacters)
        {
            throw new ArgumentException($"{paramName} is {key.Length} characters; the limit is {MaxKeyCharacters} (1 KiB).", paramName);
        }

        for (int i = 0; i < key.Length; i++)
        {
            char c = key[i];
            if (c is '/' or '\\' or '#' or '?' || c <= '\u001F' || (c >= '\u007F' && c <= '\u009F'))
            {
                throw new ArgumentException(
                    $"{paramName} contains the forbidden character U+{(int)c:X4} at position {i} (/ \\ # ? and control characters are not allowed).",
                    paramName);
            }
        }
    }

    public static void Entity(ITableEntity entity, string paramName = "entity")
    {
        ArgumentNullException.ThrowIfNull(entity, paramName);
        Key(entity.PartitionKey, nameof(ITableEntity.PartitionKey));
        Key(entity.RowKey, nameof(ITableEntity.RowKey));
        int count = 0;
        long size = 4 + (2L * (entity.PartitionKey.Length + entity.RowKey.Length));
        foreach ((string name, object? value) in TableEntityMapper.ToProperties(entity))
        {
            count++;
            if (count > MaxUserProperties)
            {
                throw new ArgumentException($"The entity has more than {MaxUserProperties} properties.", paramName);
            }

            if (name.Length > MaxPropertyNameLength || !PropertyNamePattern().IsMatch(name)
                || name is "PartitionKey" or "RowKey" or "Timestamp" or "ETag")
            {
                throw new ArgumentException($"Property name '{Printable(name)}' is invalid: letters, digits and '_', up to {MaxPropertyNameLength} characters, not a system property.", paramName);
            }

            size += 8 + (2L * name.Length) + value switch
            {
                string s when s.Length > MaxStringCharacters =>
                    throw new ArgumentException($"Property '{name}' is {s.Length} characters; strings are limited to {MaxStringCharacters} (64 KiB).", paramName),
                string s => 4 + (2L * s.Length),
                byte[] b when b.Length > MaxBinaryBytes =>
                    throw new ArgumentException($"Property '{name}' is {b.Length} bytes; binary values are limited to {MaxBinaryBytes} (64 KiB).", paramName),
                byte[] b => 4 + b.Length,
                BinaryData d when d.ToMemory().Length > MaxBinaryBytes =>
                    throw new ArgumentException($"Property '{name}' is {d.ToMemory().Length} bytes; binary values are limited to {MaxBinaryBytes} (64 KiB).", paramName),
                BinaryData d => 4 + d.ToMemory().Length,
                _ => 8,
            };
        }

        if (size > MaxEntityBytes)
        {
            throw new ArgumentException($"The entity is about {size} bytes; the limit is 1 MiB.", paramName);
        }
    }

    private static string Printable(string text) =>
        string.Concat(text.Take(80).Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
