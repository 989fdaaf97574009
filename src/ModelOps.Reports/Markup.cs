using System.Globalization;
using System.Net;

namespace ModelOps.Reports;

/// <summary>Encoding and number formats shared by the pages and charts: every text that reaches HTML goes through <see cref="E"/>.</summary>
internal static class Markup
{
    /// <summary>HTML-encodes text for element content and quoted attribute values.</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>A metric value, four decimals, invariant; a dash for a missing one.</summary>
    public static string N(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "—";

    /// <summary>An SVG coordinate.</summary>
    public static string C(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>The page's style sheet: inline, system fonts only, nothing fetched.</summary>
    public const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1b1b1b;margin:24px auto;max-width:1100px;padding:0 16px;line-height:1.4}
        h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
        table{border-collapse:collapse;margin:8px 0}th,td{padding:4px 10px;border-bottom:1px solid #eee;text-align:right}th:first-child,td:first-child{text-align:left}
        th{background:#f5f5f5}.muted{color:#666}.pass{color:#107c10;font-weight:600}.fail{color:#a4262c;font-weight:600}
        .charts{display:flex;flex-wrap:wrap;gap:16px}.chart{border:1px solid #ddd;background:#fff}
        .legend span{display:inline-block;margin-right:16px}.swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
        form{border:1px solid #ccc;padding:16px;background:#fafafa;max-width:640px}textarea{width:100%;min-height:80px;font:inherit}
        button{font:inherit;padding:8px 20px;border:0;border-radius:4px;color:#fff;cursor:pointer}.approve{background:#107c10}.reject{background:#a4262c}
        .refusal{border-left:6px solid #a4262c;padding:8px 16px;background:#fdf3f4}
        """;
}
