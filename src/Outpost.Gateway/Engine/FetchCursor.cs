using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Outpost.Gateway.Apps;

namespace Outpost.Gateway.Engine;

/// <summary>
/// The last engine_fetch command handled: its timestamp (seconds, as <c>Last-Modified</c> gives it) and a hash of its
/// text, persisted in <c>state/engine_fetch.cursor</c> before the command runs, so a restart never runs it again.
/// The hash tells a second command written in the same second from the one already handled.
/// </summary>
/// <param name="Timestamp">When the handled value was written.</param>
/// <param name="Hash">The first 16 hex digits of its SHA-256.</param>
internal sealed record FetchCursor(DateTimeOffset Timestamp, string Hash)
{
    private const string FileName = "engine_fetch.cursor";

    /// <summary>Whether <paramref name="timestamp"/> and <paramref name="value"/> are the command already handled.</summary>
    public bool IsSame(DateTimeOffset timestamp, string value) => timestamp == Timestamp && HashOf(value) == Hash;

    /// <summary>The cursor for a value.</summary>
    public static FetchCursor For(DateTimeOffset timestamp, string value) => new(timestamp, HashOf(value));

    /// <summary>The saved cursor, or null (first start, or an unreadable file: handle what is there once).</summary>
    public static FetchCursor? Load(string stateDirectory)
    {
        var path = Path.Join(stateDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var parts = File.ReadAllText(path).Trim().Split(' ');
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? new FetchCursor(DateTimeOffset.FromUnixTimeSeconds(seconds), parts[1])
            : null;
    }

    /// <summary>Saves the cursor atomically.</summary>
    public Task SaveAsync(string stateDirectory, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(
            Path.Join(stateDirectory, FileName),
            string.Create(CultureInfo.InvariantCulture, $"{Timestamp.ToUnixTimeSeconds()} {Hash}\n"),
            cancellationToken);

    private static string HashOf(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..16];
}
