using System.Net.Sockets;
using System.Text;

namespace Outpost.Gateway.Supervisor.Supervisord;

/// <summary>Calls supervisord's XML-RPC API over its unix socket (<c>[unix_http_server] file</c>).</summary>
/// <remarks>HTTP/1.1 POST to <c>/RPC2</c> on a connection made by <see cref="SocketsHttpHandler.ConnectCallback"/> to the
/// socket; the host name in the URL is a placeholder.</remarks>
internal sealed class SupervisordClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>A client for the supervisord listening on <paramref name="socketPath"/>.</summary>
    public SupervisordClient(string socketPath, TimeSpan timeout)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://supervisord/"), Timeout = timeout };
    }

    /// <summary>The socket path.</summary>
    public string SocketPath { get; }

    /// <summary>Calls <paramref name="method"/> and returns its value; faults throw <see cref="XmlRpcFault"/>,
    /// an unreachable supervisord <see cref="HttpRequestException"/>.</summary>
    public async Task<object?> CallAsync(string method, object[] args, CancellationToken cancellationToken)
    {
        using var content = new StringContent(XmlRpc.Call(method, args), Encoding.UTF8, "text/xml");
        using var response = await _http.PostAsync(new Uri("RPC2", UriKind.Relative), content, cancellationToken);
        response.EnsureSuccessStatusCode();
        return XmlRpc.ParseResponse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
