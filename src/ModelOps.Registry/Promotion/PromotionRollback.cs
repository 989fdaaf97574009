using System.Globalization;

namespace ModelOps.Registry.Promotion;

/// <summary>
/// Returns an alias to the version it pointed at before its last move, read from the audit log (the entry that moved
/// it says "alias -> N" before and after). The move is a compare-and-swap like any other and has its own audit entry;
/// a second rollback undoes the first.
/// </summary>
public sealed class PromotionRollback(ModelRegistry registry)
{
    /// <summary>Moves <paramref name="alias"/> of <paramref name="model"/> back; <see cref="RegistryNotFoundException"/> when it has no earlier version.</summary>
    public async Task<PromotedAlias> RollBackAsync(string model, string alias, string reason, string principal, CancellationToken cancellationToken)
    {
        AliasPointer current = await registry.GetAliasAsync(model, alias, cancellationToken);
        string after = Describe(alias, current.Version);
        AuditEntry? last = (await registry.ReadAuditAsync(model, cancellationToken))
            .LastOrDefault(e => e.Action == "alias" && e.After == after && e.Before.StartsWith(alias + " -> ", StringComparison.Ordinal));
        if (last is null || !int.TryParse(last.Before.AsSpan((alias + " -> ").Length), NumberStyles.None, CultureInfo.InvariantCulture, out int previous))
        {
            throw new RegistryNotFoundException($"An earlier version of alias '{alias}' of '{model}'");
        }

        string why = string.IsNullOrWhiteSpace(reason) ? $"rollback of '{alias}' from version {current.Version}" : $"rollback of '{alias}' from version {current.Version}: {reason}";
        AliasPointer moved = await registry.MoveAliasAsync(model, alias, previous, why, current.ETag, principal, force: true, cancellationToken);
        return new PromotedAlias(model, alias, current.Version, moved.Version, moved.UpdatedAt);
    }

    private static string Describe(string alias, int version) => $"{alias} -> {version.ToString(CultureInfo.InvariantCulture)}";
}
