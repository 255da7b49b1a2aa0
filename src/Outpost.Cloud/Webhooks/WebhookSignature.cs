using System.Security.Cryptography;
using System.Text;

namespace Outpost.Cloud.Webhooks;

/// <summary>
/// The <c>X-Outpost-Signature</c> header: <c>sha256=</c> and the lower-case hex HMAC-SHA256 of the exact body bytes
/// with the webhook's secret. Receivers compute the same and compare in constant time.
/// </summary>
internal static class WebhookSignature
{
    public const string Header = "X-Outpost-Signature";

    public static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    public static bool Verify(string secret, string body, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(header));
}
