namespace ModelOps.Registry;

/// <summary>One alias and its share of a model's traffic (weights are relative: 90 and 10 split 90 % / 10 %).</summary>
public sealed record AliasWeight(string Alias, int Weight);

/// <summary>
/// How a model's scoring traffic is routed when a caller names neither alias nor version: weights over aliases,
/// assigned stickily by the row's <see cref="KeyField"/> (a stable hash of model and key); an optional
/// <see cref="ShadowAlias"/> scored off the request path; and a kill switch — when <see cref="Enabled"/> is false,
/// every request goes to <see cref="FallbackAlias"/>, or is refused with <see cref="RetryAfterSeconds"/> when none is set.
/// <see cref="ETag"/> is the stored record's concurrency token (empty before it is stored).
/// </summary>
public sealed record ModelRouting(
    string Model,
    IReadOnlyList<AliasWeight> Weights,
    string? KeyField = null,
    string? ShadowAlias = null,
    bool Enabled = true,
    string? FallbackAlias = null,
    int RetryAfterSeconds = 30,
    string ETag = "")
{
    /// <summary>Throws <see cref="InvalidRegistryRequestException"/> naming the first field that is wrong.</summary>
    public void Check()
    {
        RegistryNames.Check(Model, "model");
        if (Weights is null || Weights.Count == 0)
        {
            throw new InvalidRegistryRequestException("weights", "must name at least one alias.");
        }

        foreach (AliasWeight weight in Weights)
        {
            RegistryNames.Check(weight.Alias, "weights.alias");
            if (weight.Weight is < 0 or > 1_000_000)
            {
                throw new InvalidRegistryRequestException("weights.weight", "must be between 0 and 1,000,000.");
            }
        }

        if (Weights.Sum(w => (long)w.Weight) == 0)
        {
            throw new InvalidRegistryRequestException("weights", "must not all be 0.");
        }

        if (Weights.Select(w => w.Alias).Distinct(StringComparer.Ordinal).Count() != Weights.Count)
        {
            throw new InvalidRegistryRequestException("weights", "names an alias more than once.");
        }

        if (KeyField is not null)
        {
            RegistryNames.CheckText(KeyField, "keyField", 128, required: true);
        }

        if (ShadowAlias is not null)
        {
            RegistryNames.Check(ShadowAlias, "shadowAlias");
        }

        if (FallbackAlias is not null)
        {
            RegistryNames.Check(FallbackAlias, "fallbackAlias");
        }

        if (RetryAfterSeconds is < 1 or > 86_400)
        {
            throw new InvalidRegistryRequestException("retryAfterSeconds", "must be between 1 and 86,400.");
        }
    }
}

/// <summary>Where the registry keeps each model's <see cref="ModelRouting"/>.</summary>
public interface IRoutingStore
{
    /// <summary>The model's routing, or null when none is set (all traffic to <c>champion</c>).</summary>
    Task<ModelRouting?> GetRoutingAsync(string model, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the routing if the stored record still has <paramref name="ifMatch"/> (null: only if none exists yet);
    /// <see cref="StoreConflictException"/> when it changed. Returns the record with its new ETag.
    /// </summary>
    Task<ModelRouting> SetRoutingAsync(ModelRouting routing, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>
    /// The same write, atomically with appending <paramref name="entry"/> to the model's audit log and replacing its
    /// <paramref name="head"/> (what <see cref="ModelRegistry.SetRoutingAsync"/> uses); <see cref="StoreConflictException"/>
    /// of kind <see cref="StoreConflictKind.AuditSequenceTaken"/> when another append took the sequence number.
    /// </summary>
    Task<ModelRouting> SetRoutingAsync(ModelRouting routing, string? ifMatch, AuditEntry entry, AuditHead head, CancellationToken cancellationToken);
}
