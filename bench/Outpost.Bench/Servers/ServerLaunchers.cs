using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Outpost.Bench.Servers;

/// <summary>Starts the servers the cloud-* modes compare: <c>outpost serve</c>, the trivial Kestrel 204 endpoint, nginx.</summary>
internal static class ServerLaunchers
{
    /// <summary>Set for the load generator only (see Program.cs); removed from every server's environment.</summary>
    public const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>The environment form of outpost's and gwe's <c>System.Threading.ThreadPool.UnfairSemaphoreSpinLimit=0</c>.</summary>
    public const string NoPoolSpinning = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    /// <summary>The environment form of gwe's <c>ConcurrentGarbageCollection=false</c> (this executable's is true, as outpost's).</summary>
    public const string BlockingGc = "DOTNET_gcConcurrent";

    public const string AdminToken = "bench-admin-token-0123456789abcdef";

    /// <summary><c>outpost.dll</c>, built beside the bench in the bench's configuration (Release when run as documented).</summary>
    public static string OutpostDll => Path.Combine(AppContext.BaseDirectory, "outpost.dll");

    /// <summary><c>outpost serve</c> on <paramref name="dataDirectory"/>; <paramref name="dll"/> another build of it (default <see cref="OutpostDll"/>).</summary>
    public static Task<ChildServer> StartOutpostAsync(string dataDirectory, CancellationToken cancellationToken, string? dll = null)
    {
        var port = ChildServer.FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll ?? OutpostDll, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", dataDirectory },
        };
        info.Environment["OUTPOST_ADMIN_TOKEN"] = AdminToken;
        info.Environment.Remove(InlineCompletions);
        return ChildServer.StartAsync("outpost serve", info, port, cancellationToken);
    }

    /// <summary>This same executable in <c>trivial-204</c> mode (same runtime, same GC settings as outpost).</summary>
    public static Task<ChildServer> StartTrivialAsync(CancellationToken cancellationToken)
    {
        var port = ChildServer.FreePort();
        var self = Assembly.GetEntryAssembly()!.Location;
        var info = new ProcessStartInfo("dotnet") { ArgumentList = { self, "trivial-204", "--urls", $"http://127.0.0.1:{port}" } };
        info.Environment.Remove(InlineCompletions);
        // outpost.runtimeconfig.json's thread-pool setting, so the ceiling runs on the same runtime settings as outpost.
        info.Environment[NoPoolSpinning] = "0";
        return ChildServer.StartAsync("kestrel 204", info, port, cancellationToken);
    }

    /// <summary>
    /// This same executable in <c>gmq-serve</c> mode: GMQ's local API as gwe hosts it, queue file at
    /// <paramref name="queuePath"/>, the durable floor with at most <paramref name="floorWriters"/> writes in flight.
    /// </summary>
    public static Task<ChildServer> StartGmqAsync(string queuePath, int floorWriters, CancellationToken cancellationToken)
    {
        var port = ChildServer.FreePort();
        var self = Assembly.GetEntryAssembly()!.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                self, "gmq-serve", "--urls", $"http://127.0.0.1:{port}", "--queue", queuePath,
                "--floor-writers", floorWriters.ToString(CultureInfo.InvariantCulture),
            },
        };
        info.Environment.Remove(InlineCompletions);
        // gwe's runtime settings (its csproj): blocking GC, no thread-pool spinning, so GMQ runs as gwe ships it.
        info.Environment[BlockingGc] = "0";
        info.Environment[NoPoolSpinning] = "0";
        return ChildServer.StartAsync("gmq", info, port, cancellationToken);
    }

    /// <summary>nginx answering <c>return 204;</c> with its own config in <paramref name="directory"/>, or null when not installed.</summary>
    public static async Task<ChildServer?> StartNginxAsync(string directory, CancellationToken cancellationToken)
    {
        var nginx = Tools.Find("nginx");
        if (nginx is null)
        {
            return null;
        }

        var port = ChildServer.FreePort();
        var prefix = Directory.CreateDirectory(Path.Combine(directory, "nginx")).FullName;
        var config = Path.Combine(prefix, "nginx.conf");
        // Everything nginx writes goes under the prefix, so it runs beside a system nginx and as any user.
        await File.WriteAllTextAsync(config, $$"""
            worker_processes auto;
            daemon off;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 16384; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                keepalive_requests 100000000;
                keepalive_timeout 600s;
                client_max_body_size 16m;
                server {
                    listen 127.0.0.1:{{port}};
                    location / { return 204; }
                }
            }
            """, cancellationToken);
        var info = new ProcessStartInfo(nginx) { ArgumentList = { "-p", prefix, "-c", config } };
        return await ChildServer.StartAsync("nginx 204", info, port, cancellationToken);
    }
}
