using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization.Metadata;

namespace Outpost.Gateway.Control;

/// <summary>The CLI's side of the control socket: one HTTP request per command to the daemon at <c>&lt;home&gt;/gwe.sock</c>.</summary>
internal sealed class ControlClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _socket;

    /// <summary>A client for the daemon listening on <paramref name="socketPath"/>.</summary>
    public ControlClient(string socketPath)
    {
        _socket = socketPath;
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
                catch (SocketException ex)
                {
                    socket.Dispose();
                    throw new DaemonNotRunningException(File.Exists(socketPath)
                        ? $"the gwe daemon is not running (socket at {socketPath} refuses connections: {ex.SocketErrorCode})"
                        : $"the gwe daemon is not running (no socket at {socketPath})");
                }
            },
        };

        // Stops and restarts wait for the apps (stopwaitsecs each); tail -f streams until the user stops it.
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://gwe/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Sends a request and reads a JSON reply of type <typeparamref name="T"/>, or the daemon's error line.</summary>
    public async Task<(T? Reply, string? Error)> SendAsync<T>(HttpMethod method, string path, JsonTypeInfo<T> replyType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replyType);
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        using var response = await SendCoreAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        // 409 carries an ActionReply too: some programs did what was asked, some did not, and each says so.
        var replied = response.StatusCode == HttpStatusCode.OK || (response.StatusCode == HttpStatusCode.Conflict && typeof(T) == typeof(ActionReply));
        if (replied && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            return (await response.Content.ReadFromJsonAsync(replyType, cancellationToken), null);
        }

        return (default, await ErrorOfAsync(response, cancellationToken));
    }

    /// <summary>Streams <c>GET path</c> into <paramref name="output"/> until the daemon ends it or the token fires;
    /// returns the daemon's error line, or <see langword="null"/>.</summary>
    public async Task<string?> StreamAsync(string path, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        using var response = await SendCoreAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return await ErrorOfAsync(response, cancellationToken);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[8192];
        int n;
        while ((n = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
            await output.FlushAsync(cancellationToken);
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.InnerException is DaemonNotRunningException notRunning)
        {
            throw notRunning;
        }
        catch (HttpRequestException ex)
        {
            throw new DaemonNotRunningException($"the gwe daemon at {_socket} did not answer: {ex.Message}");
        }
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync(ControlJsonContext.Default.ErrorReply, cancellationToken);
            return error?.Error ?? $"the daemon answered {(int)response.StatusCode}";
        }
        catch (System.Text.Json.JsonException)
        {
            return $"the daemon answered {(int)response.StatusCode}";
        }
    }
}
