using ModelOps.Learning.Pipelines;

namespace ModelOps.Registry.Promotion;

/// <summary>
/// Whether callers of the champion can call the challenger unchanged: every input the champion takes is still
/// taken with the same type, no new input is required, and no input accepts less than before (fewer levels, a
/// narrower range, missing values refused). Tensor schemas are compared always; pipeline specs when both are known.
/// </summary>
public static class SchemaCompatibility
{
    /// <summary>Every breaking change from <paramref name="champion"/> to <paramref name="challenger"/>; empty when compatible.</summary>
    public static IReadOnlyList<string> BreakingChanges(CandidateFacts champion, CandidateFacts challenger)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(challenger);
        var changes = new List<string>();
        var next = challenger.Schema.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (TensorSpec input in champion.Schema.Inputs)
        {
            if (!next.TryGetValue(input.Name, out TensorSpec? now))
            {
                changes.Add($"input '{input.Name}' was removed.");
            }
            else if (!string.Equals(input.ElementType, now.ElementType, StringComparison.Ordinal))
            {
                changes.Add($"input '{input.Name}' changed type from {input.ElementType} to {now.ElementType}.");
            }
        }

        var before = champion.Schema.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        changes.AddRange(challenger.Schema.Inputs.Where(i => !before.Contains(i.Name)).Select(i => $"input '{i.Name}' is new and required."));
        if (champion.Spec is not null && challenger.Spec is not null)
        {
            changes.AddRange(SpecChanges(champion.Spec, challenger.Spec));
        }

        return changes.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static IEnumerable<string> SpecChanges(PipelineSpec champion, PipelineSpec challenger)
    {
        var next = challenger.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (InputSpec input in champion.Inputs)
        {
            if (!next.TryGetValue(input.Name, out InputSpec? now))
            {
                yield return $"input '{input.Name}' was removed.";
                continue;
            }

            if (now.Type != input.Type)
            {
                yield return $"input '{input.Name}' changed type from {input.Type.ToString().ToLowerInvariant()} to {now.Type.ToString().ToLowerInvariant()}.";
                continue;
            }

            if (now.Values is not null)
            {
                string[] dropped = input.Values is null ? [] : input.Values.Except(now.Values, StringComparer.Ordinal).ToArray();
                if (input.Values is null)
                {
                    yield return $"input '{input.Name}' now accepts only the levels {string.Join(", ", now.Values)}.";
                }
                else if (dropped.Length > 0)
                {
                    yield return $"input '{input.Name}' no longer accepts {string.Join(", ", dropped)}.";
                }
            }

            if (now.Min is { } min && (input.Min is null || min > input.Min))
            {
                yield return $"input '{input.Name}' minimum rose to {min.ToString(System.Globalization.CultureInfo.InvariantCulture)}.";
            }

            if (now.Max is { } max && (input.Max is null || max < input.Max))
            {
                yield return $"input '{input.Name}' maximum fell to {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}.";
            }

            if (input.Missing == MissingPolicy.Allow && now.Missing == MissingPolicy.Reject)
            {
                yield return $"input '{input.Name}' no longer accepts missing values.";
            }
        }
    }
}
