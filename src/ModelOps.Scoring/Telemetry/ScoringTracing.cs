using System.Diagnostics;

namespace ModelOps.Scoring.Telemetry;

/// <summary>
/// Scoring's traces (<see cref="SourceName"/>): one span per scoring request, tagged with the model and the version,
/// alias and engine that served it (several served: each tag lists them, comma-separated, in the order first used),
/// and the number of rows. Tags never hold feature values, entity keys or request ids.
/// </summary>
public static class ScoringTracing
{
    /// <summary>The activity source's name, for OpenTelemetry's <c>AddSource</c>.</summary>
    public const string SourceName = "ModelOps.Scoring";

    /// <summary>The name of the span of one scoring request.</summary>
    public const string ScoreSpan = "modelops.scoring.score";

    internal static ActivitySource Source { get; } = new(SourceName);

    /// <summary>Starts the request's span, or returns null when nobody listens.</summary>
    internal static Activity? StartScore(string model)
    {
        Activity? activity = Source.StartActivity(ScoreSpan, ActivityKind.Internal);
        activity?.SetTag("model", model);
        return activity;
    }

    /// <summary>Names what served the request's rows.</summary>
    internal static void Served(Activity? activity, IEnumerable<(int Version, string Alias, string Engine)> served, int rows)
    {
        if (activity is null)
        {
            return;
        }

        (int Version, string Alias, string Engine)[] all = served.ToArray();
        activity.SetTag("version", string.Join(',', all.Select(s => s.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)).Distinct()));
        activity.SetTag("alias", string.Join(',', all.Select(s => s.Alias).Distinct()));
        activity.SetTag("engine", string.Join(',', all.Select(s => s.Engine).Distinct()));
        activity.SetTag("rows", rows);
    }

    /// <summary>Marks the span failed with the kind of error the meter counts (validation, not_found, …).</summary>
    internal static void Failed(Activity? activity, string kind)
    {
        activity?.SetTag("error.type", kind);
        activity?.SetStatus(ActivityStatusCode.Error, kind);
    }
}
