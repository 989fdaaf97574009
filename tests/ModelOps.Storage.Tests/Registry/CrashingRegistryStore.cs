using ModelOps.Registry;

namespace ModelOps.Storage.Tests.Registry;

/// <summary>The process "dies" here: thrown instead of the write, as a crash between two steps would leave it.</summary>
internal sealed class SimulatedCrashException(string step) : Exception("Simulated crash before " + step)
{
    public SimulatedCrashException()
        : this("a step")
    {
    }

    public SimulatedCrashException(string message, Exception inner)
        : this(message + inner.Message)
    {
    }
}

/// <summary>A store decorator that crashes once, before the named write; everything else passes through.</summary>
internal sealed class CrashingRegistryStore(IRegistryStore inner, string crashBefore) : IRegistryStore
{
    private int _armed = 1;

    private void Step(string name)
    {
        if (name == crashBefore && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            throw new SimulatedCrashException(name);
        }
    }

    public Task<Model?> GetModelAsync(string model, CancellationToken cancellationToken) => inner.GetModelAsync(model, cancellationToken);

    public Task<IReadOnlyList<Model>> ListModelsAsync(CancellationToken cancellationToken) => inner.ListModelsAsync(cancellationToken);

    public Task<StoredVersion?> GetVersionAsync(string model, int version, CancellationToken cancellationToken) => inner.GetVersionAsync(model, version, cancellationToken);

    public Task<IReadOnlyList<StoredVersion>> ListVersionsAsync(string model, CancellationToken cancellationToken) => inner.ListVersionsAsync(model, cancellationToken);

    public Task<IReadOnlyList<ModelVersion>> ListAllVersionsAsync(CancellationToken cancellationToken) => inner.ListAllVersionsAsync(cancellationToken);

    public Task<int> GetHighestVersionNumberAsync(string model, CancellationToken cancellationToken) => inner.GetHighestVersionNumberAsync(model, cancellationToken);

    public Task<StoredVersion> AddPendingVersionAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        Step(nameof(AddPendingVersionAsync));
        return inner.AddPendingVersionAsync(version, cancellationToken);
    }

    public Task CommitVersionAsync(Model model, ModelVersion version, string pendingETag, AuditEntry entry, AuditHead head, CancellationToken cancellationToken)
    {
        Step(nameof(CommitVersionAsync));
        return inner.CommitVersionAsync(model, version, pendingETag, entry, head, cancellationToken);
    }

    public Task<StoredVersion> UpdateVersionStatusAsync(ModelVersion version, string etag, AuditEntry entry, AuditHead head, CancellationToken cancellationToken) =>
        inner.UpdateVersionStatusAsync(version, etag, entry, head, cancellationToken);

    public Task<AliasPointer?> GetAliasAsync(string model, string alias, CancellationToken cancellationToken) => inner.GetAliasAsync(model, alias, cancellationToken);

    public Task<IReadOnlyList<AliasPointer>> ListAliasesAsync(string model, CancellationToken cancellationToken) => inner.ListAliasesAsync(model, cancellationToken);

    public Task<AliasPointer> SetAliasAsync(string model, string alias, int version, string? ifMatch, AuditEntry entry, AuditHead head, CancellationToken cancellationToken)
    {
        Step(nameof(SetAliasAsync));
        return inner.SetAliasAsync(model, alias, version, ifMatch, entry, head, cancellationToken);
    }

    public Task<AuditHead?> GetAuditHeadAsync(string model, CancellationToken cancellationToken) => inner.GetAuditHeadAsync(model, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(string model, CancellationToken cancellationToken) => inner.ReadAuditAsync(model, cancellationToken);
}
