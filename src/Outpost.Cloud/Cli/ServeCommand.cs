using System.CommandLine;
using Microsoft.Extensions.Logging;
using Outpost.Cloud.Hosting;

namespace Outpost.Cloud.Cli;

/// <summary><c>outpost serve</c>: runs the cloud node until Ctrl-C / SIGTERM, then shuts down cleanly.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var data = new Option<string>("--data") { Description = "Data directory (SQLite store and content files)", DefaultValueFactory = _ => "./outpost-data" };
        var maxContent = new Option<long>("--max-content-mb") { Description = "Largest content file accepted, in MiB", DefaultValueFactory = _ => 1024 };
        var maxClockSkew = new Option<string>("--max-clock-skew")
        {
            Description = "How far ahead of this server's clock a device may timestamp a value (e.g. 24h, 30m; 1s to 365d)",
            DefaultValueFactory = _ => "24h",
        };
        var command = new Command("serve", "Run the Outpost cloud: device API, management API, storage") { urls, data, maxContent, maxClockSkew };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(maxContent) < 1)
            {
                await Console.Error.WriteLineAsync("outpost: --max-content-mb must be at least 1");
                return 1;
            }

            if (UrlsProblem(parse.GetValue(urls)!) is { } problem)
            {
                await Console.Error.WriteLineAsync($"outpost: {problem}");
                return 1;
            }

            if (!DurationText.TryParse(parse.GetValue(maxClockSkew), DurationSyntax.WholeWithUnit, out TimeSpan skew)
                || skew < TimeSpan.FromSeconds(1) || skew > TimeSpan.FromDays(365))
            {
                await Console.Error.WriteLineAsync($"outpost: --max-clock-skew must be a duration from 1s to 365d (e.g. 24h), not '{parse.GetValue(maxClockSkew)}'");
                return 1;
            }

            var options = new CloudOptions
            {
                Urls = parse.GetValue(urls)!,
                DataDirectory = Path.GetFullPath(parse.GetValue(data)!),
                AdminToken = Environment.GetEnvironmentVariable("OUTPOST_ADMIN_TOKEN"),
                MaxContentBytes = parse.GetValue(maxContent) * 1024 * 1024,
                MaxClockSkew = skew,
            };
            return await RunAsync(options, ct);
        });
        return command;
    }

    /// <summary>What is wrong with <c>--urls</c> as a person reads it, or null: shared by serve and demo.</summary>
    internal static string? UrlsProblem(string urls) => InvalidUrl(urls) is { } invalid
        ? $"--urls: '{invalid}' is not an address to listen on (e.g. http://127.0.0.1:8080, http://0.0.0.0:80; several separated by ';')"
        : null;

    /// <summary>The first of <paramref name="urls"/> (';'-separated) Kestrel could not listen on as written, or null.</summary>
    internal static string? InvalidUrl(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                var address = Microsoft.AspNetCore.Http.BindingAddress.Parse(url);
                if (address.Scheme is not ("http" or "https") || (!address.IsUnixPipe && address.Port is < 0 or > 65535))
                {
                    return url;
                }
            }
            catch (FormatException)
            {
                return url;
            }
        }

        return urls.Trim().Length == 0 ? urls : null;
    }

    private static async Task<int> RunAsync(CloudOptions options, CancellationToken cancellationToken)
    {
        if (File.Exists(options.DataDirectory))
        {
            // Else the store's own words: "The file '…' already exists."
            await Console.Error.WriteLineAsync($"outpost: cannot open data directory {options.DataDirectory}: it is a file, not a directory");
            return 1;
        }

        WebApplication app;
        var starting = true;
        try
        {
            // While starting, the host's own failure log (a page of stack trace) is left out: the one line below says it.
            // A filter for that category only: one without a category would replace the minimum level for every log.
            app = CloudHost.Build(options, logging: l => l.AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "HH:mm:ss "; })
                .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
                .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => !starting && level >= LogLevel.Information));
            await CloudHost.InitializeAsync(app, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync($"outpost: cannot open data directory {options.DataDirectory}: {ex.Message}");
            return 1;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync(cancellationToken);
                starting = false;
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
            {
                // IOException: the port is taken; SocketException: an address this machine does not have.
                await Console.Error.WriteLineAsync($"outpost: cannot listen on {options.Urls}: {ex.Message}");
                return 1;
            }

            var newToken = await CloudHost.MintFirstAdminTokenAsync(app, cancellationToken);

            Console.WriteLine($"outpost {VersionInfo.Text} listening on {string.Join(", ", app.Urls)}");
            Console.WriteLine($"data: {options.DataDirectory}");
            if (newToken is not null)
            {
                Console.WriteLine();
                Console.WriteLine("Admin token (shown once; store it now):");
                Console.WriteLine($"  {newToken}");
                Console.WriteLine($"  export OUTPOST_TOKEN={newToken} OUTPOST_SERVER={app.Urls.FirstOrDefault()}");
                Console.WriteLine();
            }

            Console.Out.Flush();
            // Ctrl-C / SIGTERM cancel the token: the host then stops gracefully (in-flight requests finish, the store closes).
            await app.WaitForShutdownAsync(cancellationToken);
        }

        return 0;
    }
}
