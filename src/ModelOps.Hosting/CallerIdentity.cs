using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace ModelOps.Hosting;

/// <summary>Settings of who the app believes calls it (section <c>Callers</c>: <c>Callers__TrustPlatformIdentity</c>).</summary>
public sealed class CallerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Callers";

    /// <summary>
    /// True only where App Service Authentication is on for the app: it signs callers in, sets
    /// <c>x-ms-client-principal-name</c> and strips that header from client requests. Off (the default) the header is
    /// anyone's to send, so it is ignored: callers are known by their function key, approvers by their link's token.
    /// </summary>
    public bool TrustPlatformIdentity { get; set; }
}

/// <summary>
/// Who calls, as far as the app may believe it: the platform's signed-in principal when <see cref="CallerOptions.TrustPlatformIdentity"/>
/// says the platform authenticates callers, else what <see cref="CallerPrincipal.ByKey"/> finds.
/// </summary>
public sealed class CallerIdentity(IOptions<CallerOptions> options)
{
    /// <summary>The signed-in principal's name, or null when there is none or the platform does not authenticate callers.</summary>
    public string? SignedIn(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return options.Value.TrustPlatformIdentity && request.Headers[CallerPrincipal.NameHeader].ToString() is { Length: > 0 } name ? name : null;
    }

    /// <summary>The principal of the call, for the audit: the signed-in name, else <c>key:NAME</c>, <c>key:unnamed</c> or <c>anonymous</c>.</summary>
    public string Of(HttpRequest request, FunctionContext context) => SignedIn(request) ?? CallerPrincipal.ByKey(request, context);
}
