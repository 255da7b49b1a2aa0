using System.Security.Cryptography;
using System.Text;

namespace Outpost.Cloud.Management;

/// <summary>Management token secrets: <c>opt_</c> + 43 url-safe characters (256 random bits); stored as SHA-256.</summary>
internal static class TokenSecret
{
    public static string New() => "opt_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string NewId() => "tok_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
