namespace ModelOps.Registry;

/// <summary>
/// One entry of a model's append-only audit log: who (<see cref="Principal"/>), what (<see cref="Action"/>,
/// <see cref="Before"/> → <see cref="After"/>), when, why. <see cref="PreviousHash"/> is the SHA-256 of the
/// entry before it (empty for the first), <see cref="Hash"/> the SHA-256 of this entry's canonical form and
/// <see cref="Hmac"/> an HMAC-SHA256 of the same bytes under the registry's audit key, so an entry can be
/// neither edited, removed, reordered nor forged without <see cref="AuditChain.Verify"/> noticing.
/// </summary>
public sealed record AuditEntry(
    long Sequence,
    string Model,
    string Action,
    string Principal,
    string Reason,
    DateTimeOffset At,
    string Before,
    string After,
    string PreviousHash,
    string Hash,
    string Hmac);

/// <summary>
/// The log's head marker, kept apart from the entries (on the model's row) and rewritten with every append:
/// the last entry's sequence and hash, sealed with the audit key under a different label than entries. A
/// log whose tail was deleted no longer ends where its head says, and the seal of an older head was never
/// stored anywhere, so it cannot be put back.
/// </summary>
public sealed record AuditHead(long Sequence, string Hash, string Seal);

/// <summary>What <see cref="AuditChain.Verify"/> found: intact, or the first entry where the chain breaks and why.</summary>
public sealed record AuditVerification(string Model, int EntriesChecked, bool Intact, long? BrokenAtSequence, int? BrokenAtPosition, string? Problem);
