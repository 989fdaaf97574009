namespace LocalFunctionsHost;

/// <summary>
/// An HTTP trigger's route: literal segments, <c>{name}</c>, optional <c>{name?}</c>, constrained
/// <c>{name:int}</c> (the constraint is checked for int, long, guid, bool, alpha; others accept any
/// value) and a trailing catch-all <c>{*rest}</c>. Matching ignores case, as ASP.NET routing does.
/// </summary>
internal sealed class RouteTemplate
{
    private readonly Segment[] _segments;

    private RouteTemplate(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    private sealed record Segment(string? Literal, string? Parameter, string? Constraint, bool Optional, bool CatchAll);

    public static RouteTemplate Parse(string template)
    {
        string[] parts = template.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var segments = new Segment[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            if (part.StartsWith('{') && part.EndsWith('}'))
            {
                string inner = part[1..^1];
                bool catchAll = inner.StartsWith('*');
                inner = inner.TrimStart('*');
                bool optional = inner.EndsWith('?');
                inner = inner.TrimEnd('?');
                int colon = inner.IndexOf(':', StringComparison.Ordinal);
                string name = colon < 0 ? inner : inner[..colon];
                string? constraint = colon < 0 ? null : inner[(colon + 1)..].TrimEnd('?');
                if (catchAll && i != parts.Length - 1)
                {
                    throw new InvalidDataException($"Route '{template}': a catch-all parameter must be last.");
                }

                segments[i] = new Segment(null, name, constraint, optional, catchAll);
            }
            else
            {
                segments[i] = new Segment(part, null, null, false, false);
            }
        }

        return new RouteTemplate(template, segments);
    }

    /// <summary>Matches a path (without the route prefix); returns the route values or null.</summary>
    public Dictionary<string, string>? Match(string path)
    {
        string[] parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = 0;
        for (; i < _segments.Length; i++)
        {
            Segment segment = _segments[i];
            if (segment.CatchAll)
            {
                values[segment.Parameter!] = string.Join('/', parts.Skip(i).Select(Uri.UnescapeDataString));
                return values;
            }

            if (i >= parts.Length)
            {
                return segment.Optional && _segments.Skip(i).All(s => s.Optional || s.CatchAll) ? values : null;
            }

            string value = Uri.UnescapeDataString(parts[i]);
            if (segment.Literal is not null)
            {
                if (!string.Equals(segment.Literal, value, StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }
            }
            else
            {
                if (!Satisfies(segment.Constraint, value))
                {
                    return null;
                }

                values[segment.Parameter!] = value;
            }
        }

        return i == parts.Length ? values : null;
    }

    private static bool Satisfies(string? constraint, string value) => constraint?.ToLowerInvariant() switch
    {
        null => true,
        "int" => int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _),
        "long" => long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _),
        "guid" => Guid.TryParse(value, out _),
        "bool" => bool.TryParse(value, out _),
        "alpha" => value.All(char.IsAsciiLetter),
        _ => true,
    };
}
