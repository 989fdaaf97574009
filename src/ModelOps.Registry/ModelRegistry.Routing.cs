using System.Globalization;

namespace ModelOps.Registry;

public sealed partial class ModelRegistry
{
    /// <summary>The audit action of a routing change.</summary>
    public const string RoutingAuditAction = "routing";

    /// <summary>
    /// Sets a model's routing if it is still as last read (<paramref name="ifMatch"/>; null: only if it has none),
    /// and records who changed what — the routing before and after — in the model's sealed audit log, in the same
    /// write. Every alias the routing names must exist, so it never sends traffic nowhere.
    /// </summary>
    public async Task<ModelRouting> SetRoutingAsync(IRoutingStore routes, ModelRouting routing, string? ifMatch, string principal, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(routing);
        string model = RegistryNames.Check(routing.Model, "model");
        routing.Check();
        string why = RegistryNames.CheckText(reason, "reason", 1000, required: false);
        await GetModelAsync(model, cancellationToken);
        HashSet<string> aliases = (await ListAliasesAsync(model, cancellationToken)).Select(a => a.Alias).ToHashSet(StringComparer.Ordinal);
        foreach ((string field, string? alias) in routing.Weights.Select(w => ("weights.alias", (string?)w.Alias)).Append(("shadowAlias", routing.ShadowAlias)).Append(("fallbackAlias", routing.FallbackAlias)))
        {
            if (alias is not null && !aliases.Contains(alias))
            {
                throw new InvalidRegistryRequestException(field, $"names alias '{alias}', which '{model}' does not have.");
            }
        }

        ModelRouting? current = await routes.GetRoutingAsync(model, cancellationToken);
        string before = current is null ? string.Empty : Describe(current);
        return await AppendAsync(model, head =>
        {
            AuditEntry entry = audit.Next(head, model, RoutingAuditAction, principal, why, clock.GetUtcNow(), before, Describe(routing));
            return routes.SetRoutingAsync(routing, ifMatch, entry, audit.HeadOf(entry), cancellationToken);
        }, $"The routing of '{model}' was changed by someone else; read it again.", cancellationToken);
    }

    /// <summary>A routing as one audit line, e.g. <c>champion 90, challenger 10; key customer_id; shadow shadow; enabled</c>.</summary>
    public static string Describe(ModelRouting routing)
    {
        ArgumentNullException.ThrowIfNull(routing);
        var parts = new List<string> { string.Join(", ", routing.Weights.Select(w => $"{w.Alias} {w.Weight.ToString(CultureInfo.InvariantCulture)}")) };
        if (routing.KeyField is not null)
        {
            parts.Add("key " + routing.KeyField);
        }

        if (routing.ShadowAlias is not null)
        {
            parts.Add("shadow " + routing.ShadowAlias);
        }

        parts.Add(routing.Enabled
            ? "enabled"
            : string.Create(CultureInfo.InvariantCulture, $"disabled (fallback {routing.FallbackAlias ?? "none"}, retry after {routing.RetryAfterSeconds} s)"));
        return string.Join("; ", parts);
    }
}
