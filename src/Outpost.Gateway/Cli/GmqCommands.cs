using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Outpost.Gateway.Daemon;
using Outpost.Gateway.Queue;
using Outpost.Gateway.Queue.Http;
using Outpost.Gateway.Supervisor.Config;
using Outpost.Protocol.Forms;

namespace Outpost.Gateway.Cli;

/// <summary>
/// <c>gwe gmq dead-letters</c> lists the values GMQ set aside (per device and reason); <c>gwe gmq retry [DEVICE]</c>
/// puts them back in the queue. Both talk to the running GMQ's local API (<c>GET /dead-letters</c>,
/// <c>POST /dead-letters/retry</c>): the queue file is held exclusively by the daemon.
/// </summary>
/// <remarks>Listed in <see cref="GweCli.FlagGroups"/>. The url is <c>--gmq-url</c>, else <c>[gmq] url</c> from the
/// home's engine.conf (the daemon's own setting), else the default.</remarks>
internal sealed class GmqCommands(Option<string>? home = null) : IFlagGroup
{
    private const string DefaultUrl = "http://127.0.0.1:8090";

    private readonly Option<string> _url = new("--gmq-url")
    {
        Description = "GMQ's local API. Default: [gmq] url in <home>/engine.conf, else " + DefaultUrl + ".",
        HelpName = "URL",
        Recursive = true,
    };

    private readonly Option<bool> _json = new("--json") { Description = "Print the dead letters as JSON." };

    private readonly Argument<string?> _device = new("DEVICE")
    {
        Description = "Only this device key (as listed by dead-letters); all when omitted.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public void AddTo(RootCommand root)
    {
        var gmq = new Command("gmq", "The gateway message queue (GMQ).");
        gmq.Options.Add(_url);
        var list = new Command("dead-letters", "List values the cloud refused (per device and reason).");
        list.Options.Add(_json);
        list.SetAction((parse, ct) => ListAsync(parse, ct));
        var retry = new Command("retry", "Put dead letters back in the queue to be forwarded again.");
        retry.Arguments.Add(_device);
        retry.SetAction((parse, ct) => RetryAsync(parse, ct));
        gmq.Subcommands.Add(list);
        gmq.Subcommands.Add(retry);
        root.Subcommands.Add(gmq);
    }

    // The subcommands run through their own actions; the root's flag dispatch has nothing of ours to do.
    public Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken) => Task.FromResult<int?>(null);

    private async Task<int> ListAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var (status, body) = await CallAsync(parse, HttpMethod.Get, "dead-letters", null, cancellationToken);
        if (status != 200)
        {
            return await FailAsync(parse, status, body);
        }

        if (parse.GetValue(_json))
        {
            await output.WriteLineAsync(body);
            return 0;
        }

        var list = JsonSerializer.Deserialize(body, GmqJsonContext.Default.ListDeadLetterSummary) ?? [];
        if (list.Count == 0)
        {
            await output.WriteLineAsync("no dead letters");
            return 0;
        }

        await output.WriteLineAsync("DEVICE\tCOUNT\tBYTES\tOLDEST_CAPTURED\tREASON");
        foreach (var d in list)
        {
            var oldest = DateTimeOffset.FromUnixTimeMilliseconds(d.OldestCapturedAtMs).ToString("u", CultureInfo.InvariantCulture);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{d.DeviceKey}\t{d.Count}\t{d.Bytes}\t{oldest}\t{d.Reason}"));
        }

        return 0;
    }

    private async Task<int> RetryAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var device = parse.GetValue(_device);
        var form = string.IsNullOrEmpty(device) ? string.Empty : FormCodec.Encode([new("device", device)]);
        var (status, body) = await CallAsync(parse, HttpMethod.Post, "dead-letters/retry", form, cancellationToken);
        if (status != 200)
        {
            return await FailAsync(parse, status, body);
        }

        var requeued = JsonSerializer.Deserialize(body, GmqJsonContext.Default.DeadLetterRetry)?.Requeued ?? 0;
        if (requeued == 0 && !string.IsNullOrEmpty(device))
        {
            // Most likely a mistyped key (they hold spaces: quote them); "requeued 0" with success would hide that.
            await parse.InvocationConfiguration.Error.WriteLineAsync($"gwe: no dead letters of '{device}' (gwe gmq dead-letters lists the device keys)");
            return 1;
        }

        await parse.InvocationConfiguration.Output.WriteLineAsync(
            string.Create(CultureInfo.InvariantCulture, $"requeued {requeued} value(s){(string.IsNullOrEmpty(device) ? string.Empty : " of " + device)}"));
        return 0;
    }

    private async Task<(int Status, string Body)> CallAsync(ParseResult parse, HttpMethod method, string path, string? form, CancellationToken cancellationToken)
    {
        var baseUrl = Url(parse).TrimEnd('/') + "/";
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            return (-1, $"--gmq-url: '{parse.GetValue(_url)}' is not an http URL (e.g. {DefaultUrl})");
        }

        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(method, path);
        if (form is not null)
        {
            request.Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (HttpRequestException ex)
        {
            // One line, naming where we looked: the usual cause is that gwe (and so GMQ) is not running.
            var hint = parse.GetValue(_url) is { Length: > 0 } ? string.Empty : " (if it runs with --gmq-url, give the same --gmq-url here)";
            return (-1, $"cannot reach GMQ at {baseUrl} ({ex.Message}); is gwe running?{hint}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (-1, $"GMQ at {baseUrl} did not answer within {http.Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>--gmq-url, else the daemon's own <c>[gmq] url</c> (so a moved port needs no flag), else the default.</summary>
    private string Url(ParseResult parse)
    {
        if (parse.GetValue(_url) is { Length: > 0 } given)
        {
            return given;
        }

        // Only the url is wanted: the other [gmq] keys (and whether the queue directory exists) are the daemon's concern.
        var engineConf = GweHome.Resolve(home is null ? null : parse.GetValue(home)).EngineConf;
        string? url = null;
        try
        {
            if (File.Exists(engineConf) && IniDocument.TryParse(File.ReadAllText(engineConf), out var document, out _))
            {
                url = document.Find("gmq")?.Entries.LastOrDefault(e => e.Key == "url").Value;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unreadable: fall back to the default, and a failing call names the url it tried.
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var configured) || configured.Port == 0)
        {
            return DefaultUrl;
        }

        // A daemon listening on every interface is reached on loopback.
        return configured.Host is "0.0.0.0" or "[::]" or "+" or "*"
            ? new UriBuilder(configured) { Host = "127.0.0.1" }.Uri.ToString()
            : configured.ToString();
    }

    private static async Task<int> FailAsync(ParseResult parse, int status, string body)
    {
        var text = body.ReplaceLineEndings(" ").Trim();
        await parse.InvocationConfiguration.Error.WriteLineAsync(status < 0 ? $"gwe: {text}" : $"gwe: GMQ answered {status}: {text}");
        return 1;
    }
}
