using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ModelOps.Hosting;

/// <summary>
/// Who made an HTTP call, for the audit. The signed-in principal App Service authentication names in
/// <c>x-ms-client-principal-name</c> is trusted only where the platform authenticates callers (<see cref="CallerIdentity"/>);
/// otherwise a call is known by the name of the function key that authorised it, written <c>key:NAME</c>. The host
/// describes that key as a claims identity (authentication type <c>WebJobsAuthLevel</c>, a key-id claim); with the
/// worker's ASP.NET Core integration the invocation carries it in its binding data as <c>Identities</c> (JSON, the
/// protocol's <c>RpcClaimsIdentity</c> list) and the worker's own request does not. A call that carried a key whose
/// name the host did not pass is <c>key:unnamed</c>; only a call with neither is <c>anonymous</c>.
/// </summary>
public static class CallerPrincipal
{
    /// <summary>The header App Service authentication sets to the signed-in principal's name.</summary>
    public const string NameHeader = "x-ms-client-principal-name";

    /// <summary>The claim the Functions host gives a key-authorised call: the key's name.</summary>
    public const string KeyIdClaim = "http://schemas.microsoft.com/2017/07/functions/claims/keyid";

    /// <summary>The binding data entry that lists the invocation's identities.</summary>
    public const string IdentitiesBindingData = "Identities";

    /// <summary>The principal of the call by the key that authorised it: <c>key:NAME</c>, <c>key:unnamed</c> or <c>anonymous</c>.</summary>
    public static string ByKey(HttpRequest request, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        string? key = KeyName(request.HttpContext.User.Identities)
            ?? (context.BindingContext.BindingData.TryGetValue(IdentitiesBindingData, out object? identities) ? KeyName(identities as string) : null);
        if (key is not null)
        {
            return "key:" + key;
        }

        return request.Headers.ContainsKey("x-functions-key") || request.Query.ContainsKey("code") ? "key:unnamed" : "anonymous";
    }

    /// <summary>The key-id claim of the first identity that has one.</summary>
    public static string? KeyName(IEnumerable<ClaimsIdentity> identities)
    {
        ArgumentNullException.ThrowIfNull(identities);
        return identities.Select(i => i.FindFirst(KeyIdClaim)?.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v));
    }

    /// <summary>
    /// The key-id claim in a JSON list of identities, each with <c>claims</c> of <c>type</c> and <c>value</c>
    /// (names in any case; a value may also be the protocol's <c>{"value": …}</c> wrapper); null when absent or not JSON.
    /// </summary>
    public static string? KeyName(string? identitiesJson)
    {
        if (string.IsNullOrEmpty(identitiesJson))
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(identitiesJson);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (JsonElement identity in document.RootElement.EnumerateArray())
            {
                if (Member(identity, "claims") is { ValueKind: JsonValueKind.Array } claims)
                {
                    foreach (JsonElement claim in claims.EnumerateArray())
                    {
                        if (Text(Member(claim, "type")) == KeyIdClaim && Text(Member(claim, "value")) is { Length: > 0 } value)
                        {
                            return value;
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not ours to interpret: the caller is then known only by the key it presented.
        }

        return null;
    }

    private static JsonElement? Member(JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value;
                }
            }
        }

        return null;
    }

    private static string? Text(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.String } e => e.GetString(),
        { ValueKind: JsonValueKind.Object } e => Text(Member(e, "value")),
        _ => null,
    };
}
