namespace ModelOps.Hosting;

/// <summary>A change that must be conditional arrived without its precondition header (answered 428, naming the header).</summary>
public sealed class PreconditionRequiredException(string header, string reason) : Exception($"'{header}' {reason}")
{
    /// <summary>The header the request must carry.</summary>
    public string Header { get; } = header;
}
