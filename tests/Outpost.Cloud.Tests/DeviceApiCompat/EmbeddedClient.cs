using System.Net.Sockets;
using System.Text;

namespace Outpost.Cloud.Tests.DeviceApiCompat;

/// <summary>
/// Behaves like the smallest embedded Exosite clients: a new TCP connection per call, the whole request in one
/// <c>send()</c>, exactly one <c>recv(1024)</c>, then close — whatever the server still had to say is lost.
/// </summary>
internal static class EmbeddedClient
{
    public static async Task<RawResponse> CallAsync(Uri server, string request, int receiveTimeoutMs = 10_000)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Host, server.Port);
        var bytes = Encoding.UTF8.GetBytes(request);
        var sent = await socket.SendAsync(bytes, SocketFlags.None);
        if (sent != bytes.Length)
        {
            throw new InvalidOperationException("short send");
        }

        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(receiveTimeoutMs);
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        socket.Close();
        return RawResponse.Parse(buffer, received);
    }

    /// <summary>A POST with a form body, Content-Length computed, headers as given (any case, any spacing).</summary>
    public static string Post(string path, string body, params string[] headers) =>
        $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{string.Concat(headers.Select(h => h + "\r\n"))}Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    public static string Get(string path, params string[] headers) =>
        $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n";
}
