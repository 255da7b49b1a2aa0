using System.Security.Cryptography;
using System.Text;

namespace Outpost.Cloud.Registry;

/// <summary>Client Interface Keys: 40 lowercase hex characters, issued once at activation, stored only as SHA-256.</summary>
internal static class Cik
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    public static bool IsWellFormed(string? value)
    {
        if (value is null || value.Length != 40)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The hash stored at rest. CIKs carry 160 random bits, so a plain SHA-256 cannot be brute-forced.</summary>
    public static string Hash(string cik) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(cik)));
}
