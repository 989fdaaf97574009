using Microsoft.AspNetCore.Mvc;

namespace ModelOps.Hosting;

/// <summary>
/// Maps one family of domain exceptions to a problem. Registered by the rooms that own the exceptions,
/// so <see cref="ProblemMiddleware"/> stays the only place that writes error responses.
/// </summary>
public interface IProblemMapping
{
    /// <summary>Returns the problem for <paramref name="exception"/>, or null when it is not this mapping's.</summary>
    ProblemDetails? TryMap(Exception exception);
}
