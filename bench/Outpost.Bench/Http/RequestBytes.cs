using System.Globalization;
using System.Text;

namespace Outpost.Bench.Http;

/// <summary>Builds whole HTTP/1.1 requests as bytes, once, so the generator's loop only sends them.</summary>
internal static class RequestBytes
{
    public const string Form = "application/x-www-form-urlencoded; charset=utf-8";

    public static byte[] Post(string path, string? cik, string contentType, string body)
    {
        var bodyBytes = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .Append(cik is null ? "" : $"X-Exosite-CIK: {cik}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\nContent-Length: {bodyBytes.Length}\r\n\r\n")
            .ToString();
        return [.. Encoding.ASCII.GetBytes(head), .. bodyBytes];
    }

    public static byte[] Get(string pathAndQuery, string cik, params (string Name, string Value)[] headers)
    {
        var head = new StringBuilder().Append(CultureInfo.InvariantCulture, $"GET {pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Exosite-CIK: {cik}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
    }
}
