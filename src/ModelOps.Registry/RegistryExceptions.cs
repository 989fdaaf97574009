namespace ModelOps.Registry;

/// <summary>The root of the registry's errors; each kind says what the client got wrong (or lost a race on).</summary>
public abstract class RegistryException : Exception
{
    protected RegistryException(string message)
        : base(message)
    {
    }

    protected RegistryException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>A field of a request is invalid; <see cref="Field"/> names it.</summary>
public sealed class InvalidRegistryRequestException(string field, string reason)
    : RegistryException($"'{field}' {reason}")
{
    public string Field { get; } = field;
}

/// <summary>No such model, version or alias.</summary>
public sealed class RegistryNotFoundException(string what) : RegistryException(what + " does not exist.");

/// <summary>The version number is already registered (with different content).</summary>
public sealed class DuplicateVersionException(string model, int version)
    : RegistryException($"Model '{model}' already has a version {version} with a different artifact; versions are immutable.")
{
    public string Model { get; } = model;

    public int Version { get; } = version;
}

/// <summary>A compare-and-swap lost: the thing changed since it was read (HTTP 412).</summary>
public sealed class RegistryPreconditionFailedException(string message) : RegistryException(message);

/// <summary>A status change the life cycle does not allow.</summary>
public sealed class InvalidStatusTransitionException(string model, int version, VersionStatus from, VersionStatus to)
    : RegistryException($"Version {version} of '{model}' cannot move from {from} to {to}.");

/// <summary>The artifact is larger than the configured limit.</summary>
public sealed class ArtifactTooLargeException(long bytes, long limit)
    : RegistryException($"The artifact is {bytes} bytes; the limit is {limit} (Registry__MaxArtifactBytes).")
{
    public long Limit { get; } = limit;
}

/// <summary>The artifact failed validation: it does not load, does not match the declared schema, or does not score. Every reason is listed.</summary>
public sealed class InvalidModelException(IReadOnlyList<string> reasons)
    : RegistryException("The model artifact is invalid: " + string.Join(" ", reasons))
{
    public IReadOnlyList<string> Reasons { get; } = reasons;
}

/// <summary>
/// Thrown by store ports when a conditional write loses: the row it meant to create exists, or the one it
/// meant to update changed. <see cref="Kind"/> says which part of an atomic write lost.
/// </summary>
public sealed class StoreConflictException(StoreConflictKind kind, string message) : Exception(message)
{
    public StoreConflictKind Kind { get; } = kind;

    public StoreConflictException()
        : this(StoreConflictKind.Precondition, "A conditional write lost.")
    {
    }

    public StoreConflictException(string message)
        : this(StoreConflictKind.Precondition, message)
    {
    }

    public StoreConflictException(string message, Exception inner)
        : this(StoreConflictKind.Precondition, message + " " + inner.Message)
    {
    }
}

/// <summary>Which conditional write lost.</summary>
public enum StoreConflictKind
{
    /// <summary>The subject (alias, version row) changed or exists already: the caller's view is stale.</summary>
    Precondition = 0,

    /// <summary>Another writer appended the next audit entry first: re-read the chain head and try again.</summary>
    AuditSequenceTaken = 1,
}

/// <summary>The version cannot change status while an alias points at it.</summary>
public sealed class VersionInUseException(string model, int version, string alias)
    : RegistryException($"Version {version} of '{model}' is what alias '{alias}' points at; move the alias first.");

/// <summary>The champion alias was asked to move to a version without held-out metrics, and the move was not forced.</summary>
public sealed class ChampionWithoutMetricsException(string model, int version)
    : RegistryException($"Version {version} of '{model}' has no held-out metrics, and a champion is chosen on them; register it with its training report's metrics, or force the move.")
{
    public string Model { get; } = model;

    public int Version { get; } = version;
}
