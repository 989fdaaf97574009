using System.Text.RegularExpressions;

namespace ModelOps.Registry;

/// <summary>
/// The shape of every name the registry stores or puts in a storage key: model names and aliases.
/// Letters, digits, '-' and '_' only, starting with a letter or digit, at most 63 characters — so a
/// name can never hold a path separator, a dot segment, a percent escape or a control character, and
/// is always a valid table key and blob path segment.
/// </summary>
public static partial class RegistryNames
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxLength = 63;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    /// <summary>Throws <see cref="InvalidRegistryRequestException"/> naming <paramref name="field"/> when <paramref name="value"/> is not a valid name.</summary>
    public static string Check(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidRegistryRequestException(field, "is required.");
        }

        if (value.Length > MaxLength)
        {
            throw new InvalidRegistryRequestException(field, $"is {value.Length} characters long; the limit is {MaxLength}.");
        }

        if (!Shape().IsMatch(value))
        {
            throw new InvalidRegistryRequestException(field, "may hold only letters, digits, '-' and '_', starting with a letter or digit.");
        }

        return value;
    }

    /// <summary>Checks free text (reasons, descriptions, principals): no control characters except newlines and tabs, and a length limit.</summary>
    public static string CheckText(string? value, string field, int maxLength, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? throw new InvalidRegistryRequestException(field, "is required.") : string.Empty;
        }

        if (value.Length > maxLength)
        {
            throw new InvalidRegistryRequestException(field, $"is {value.Length} characters long; the limit is {maxLength}.");
        }

        if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\t' or '\r')))
        {
            throw new InvalidRegistryRequestException(field, "holds control characters.");
        }

        return value;
    }
}
