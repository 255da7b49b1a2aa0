using System.Text;

namespace Outpost.Cloud.Tests.DeviceApiCompat;

/// <summary>What one <c>recv(1024)</c> got: the status, headers (names lower-cased) and body bytes.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body, int BytesReceived)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>True when the single read held the whole response: headers and exactly Content-Length body bytes.</summary>
    public bool Complete => !Headers.TryGetValue("content-length", out var length) || int.Parse(length, System.Globalization.CultureInfo.InvariantCulture) == Body.Length;

    public static RawResponse Parse(byte[] buffer, int count)
    {
        var text = Encoding.Latin1.GetString(buffer, 0, count);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            throw new InvalidOperationException("the first read did not even hold the headers:\n" + text);
        }

        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        return new RawResponse(status, headers, buffer.AsSpan(end + 4, count - end - 4).ToArray(), count);
    }
}
