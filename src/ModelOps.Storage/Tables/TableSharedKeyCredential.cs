using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ModelOps.Storage.Tables;

/// <summary>An account name and key used to sign Table requests (SharedKeyLite).</summary>
public sealed class TableSharedKeyCredential
{
    private byte[] _key;

    /// <summary>Creates the credential; the key is the base64 account key.</summary>
    public TableSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountKey);
        AccountName = accountName;
        _key = Convert.FromBase64String(accountKey);
    }

    public string AccountName { get; }

    /// <summary>Replaces the key (key rotation) for requests signed from now on.</summary>
    public void SetAccountKey(string accountKey) => _key = Convert.FromBase64String(accountKey);

    internal string Sign(string stringToSign)
    {
        using var hmac = new HMACSHA256(_key);
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(stringToSign)));
    }
}

/// <summary>
/// Signs each attempt with SharedKeyLite for the Table service: the string to sign is the
/// <c>x-ms-date</c> value, a newline, and the canonicalized resource — <c>/account</c> + the encoded URI
/// path (+ <c>?comp=…</c> only when present). With path-style URIs (Azurite) the account therefore
/// appears twice (Azure Storage REST "Authorize with Shared Key", SharedKeyLite for Table).
/// </summary>
internal sealed class SharedKeyLitePolicy(TableSharedKeyCredential credential, TimeProvider clock) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        string date = clock.GetUtcNow().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        message.Request.Headers.SetValue("x-ms-date", date);
        string stringToSign = date + "\n" + CanonicalizedResource(credential.AccountName, message.Request.Uri.ToUri());
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, $"SharedKeyLite {credential.AccountName}:{credential.Sign(stringToSign)}");
    }

    internal static string CanonicalizedResource(string accountName, Uri uri)
    {
        var resource = new StringBuilder("/").Append(accountName).Append(uri.AbsolutePath);
        string query = uri.Query;
        if (query.Length > 1)
        {
            foreach (string pair in query[1..].Split('&'))
            {
                if (pair.StartsWith("comp=", StringComparison.OrdinalIgnoreCase))
                {
                    resource.Append("?comp=").Append(Uri.UnescapeDataString(pair[5..]));
                    break;
                }
            }
        }

        return resource.ToString();
    }
}
