using System.Text.Json;
using System.Text.RegularExpressions;

namespace ModelOps.Registry;

/// <summary>
/// Reads the registration metadata document (<c>schemas/registration-metadata.schema.json</c>) that travels beside an
/// artifact. Every problem is an <see cref="InvalidRegistryRequestException"/> naming the field, so the CLI and the
/// HTTP API answer a misspelt or mistyped field the same way.
/// </summary>
public static partial class RegistrationMetadata
{
    /// <summary>Parses <paramref name="json"/> for <paramref name="model"/> (the model named by the caller wins over the document).</summary>
    public static RegistrationRequest Parse(string json, string model)
    {
        ArgumentNullException.ThrowIfNull(json);
        RegistrationRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(json, RegistryJsonContext.Default.RegistrationRequest);
        }
        catch (JsonException e)
        {
            throw Describe(e);
        }

        return (request ?? new RegistrationRequest(model)) with { Model = model };
    }

    private static InvalidRegistryRequestException Describe(JsonException e)
    {
        string path = e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "metadata";
        if (UnknownMember().Match(e.Message) is { Success: true } unknown)
        {
            // The path already ends at the unknown member; the message names it when the path does not.
            string field = path.EndsWith(unknown.Groups[1].Value, StringComparison.Ordinal) ? path : unknown.Groups[1].Value;
            return new InvalidRegistryRequestException(field, "is not a registration metadata field (see schemas/registration-metadata.schema.json).");
        }

        string where = e.LineNumber is long line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : string.Empty;
        return e.InnerException is not null || e.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? new InvalidRegistryRequestException(path, "has the wrong type for this field" + where + ".")
            : new InvalidRegistryRequestException(path, "is not valid JSON" + where + ".");
    }

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnknownMember();
}
