using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LocalFunctionsHost;

/// <summary>Which key, if any, a request presented, and what it may open.</summary>
internal sealed record KeyCheck(bool Allowed, string? KeyName, string? AuthLevel, string? Problem);

/// <summary>
/// The front door's keys, as the Functions host applies them: the key comes from the
/// <c>x-functions-key</c> header or the <c>code</c> query parameter; the master key opens every level,
/// function keys open <c>function</c> and <c>anonymous</c>; <c>admin</c> takes the master key only. As with the
/// Functions host, a worker on the ASP.NET Core integration is not told which key it was: the proxied request carries
/// the key as the caller sent it, and the invocation's <c>RpcHttp</c> is empty.
/// </summary>
internal sealed class FunctionKeys(LocalSettings settings)
{
    public const string MasterKeyName = "master";

    public KeyCheck Check(HttpRequest request, string level)
    {
        string? key = request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        (string? name, string? grants) = Identify(key);
        bool allowed = level switch
        {
            "anonymous" => true,
            "function" => grants is not null,
            _ => grants == "Admin",
        };
        if (allowed)
        {
            return new KeyCheck(true, name, grants, null);
        }

        string problem = string.IsNullOrEmpty(key)
            ? "This function needs a key: send it in the x-functions-key header or the code query parameter."
            : level == "admin" && grants is not null
                ? "This function needs the master key; the key sent is a function key."
                : "The key sent is not valid for this function app.";
        return new KeyCheck(false, null, null, problem);
    }

    private (string? Name, string? Grants) Identify(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return (null, null);
        }

        if (FixedEquals(key, settings.MasterKey))
        {
            return (MasterKeyName, "Admin");
        }

        foreach ((string name, string value) in settings.FunctionKeys)
        {
            if (FixedEquals(key, value))
            {
                return (name, "Function");
            }
        }

        return (null, null);
    }

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
