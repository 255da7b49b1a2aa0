using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Outpost.Gateway.Daemon;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Queue;
using Outpost.Gateway.Queue.Http;
using Outpost.Gateway.Supervisor.Config;
using Outpost.Protocol.Forms;

namespace Outpost.Gateway.Cli;

/// <summary>
/// <c>gwe gmq dead-letters</c> lists the values GMQ set aside (per device and reason); <c>gwe gmq retry [DEVICE]</c>
/// puts them back in the queue; <c>gwe gmq purge DEVICE|--id ID|--all</c> removes them for good. All talk to the running
/// GMQ's local API (<c>GET /dead-letters</c>, <c>POST /dead-letters/retry</c>, <c>POST /dead-letters/purge</c>): the
/// queue file is held exclusively by the daemon.
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

    private readonly Option<int> _listLimit = new("--limit")
    {
        Description = "With DEVICE: at most this many values (1-100000).",
        DefaultValueFactory = _ => 1000,
        HelpName = "N",
    };

    private readonly Option<bool> _purgeJson = new("--json") { Description = "Print the answer as JSON." };

    private readonly Option<bool> _all = new("--all") { Description = "Every dead letter (purge asks for it explicitly)." };

    private readonly Argument<string?> _listDevice = new("DEVICE")
    {
        Description = "List this device key's values one by one (the first --limit), with the message ids retry and purge --id take.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Argument<string?> _retryDevice = DeviceArgument("all when omitted");

    private readonly Argument<string?> _purgeDevice = DeviceArgument("or --id, or --all");

    private readonly Option<string[]> _retryIds = IdOption();

    private readonly Option<string[]> _purgeIds = IdOption();

    public void AddTo(RootCommand root)
    {
        var gmq = new Command("gmq", "The gateway message queue (GMQ).");
        gmq.Options.Add(_url);
        var list = new Command("dead-letters", "List values the cloud refused (per device and reason; with DEVICE, its values and their ids).");
        list.Arguments.Add(_listDevice);
        list.Options.Add(_json);
        list.Options.Add(_listLimit);
        list.SetAction((parse, ct) => ListAsync(parse, ct));
        var retry = new Command("retry", "Put dead letters back in the queue to be forwarded again.");
        retry.Arguments.Add(_retryDevice);
        retry.Options.Add(_retryIds);
        retry.SetAction((parse, ct) => RetryAsync(parse, ct));
        var purge = new Command("purge", "Remove dead letters for good (counted as dropped: purged). Name a DEVICE, --id, or --all.");
        purge.Arguments.Add(_purgeDevice);
        purge.Options.Add(_purgeIds);
        purge.Options.Add(_all);
        purge.Options.Add(_purgeJson);
        purge.SetAction((parse, ct) => PurgeAsync(parse, ct));
        gmq.Subcommands.Add(list);
        gmq.Subcommands.Add(retry);
        gmq.Subcommands.Add(purge);
        root.Subcommands.Add(gmq);
    }

    // The subcommands run through their own actions; the root's flag dispatch has nothing of ours to do.
    public Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken) => Task.FromResult<int?>(null);

    private async Task<int> ListAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var device = parse.GetValue(_listDevice);
        var limit = parse.GetValue(_listLimit);
        var path = string.IsNullOrEmpty(device)
            ? "dead-letters"
            : "dead-letters?" + FormCodec.Encode([new("device", device), new("limit", limit.ToString(CultureInfo.InvariantCulture))]);
        var (status, body) = await CallAsync(parse, HttpMethod.Get, path, null, cancellationToken);
        if (status != 200)
        {
            return await FailAsync(parse, status, body);
        }

        if (parse.GetValue(_json))
        {
            await output.WriteLineAsync(body);
            return 0;
        }

        if (!string.IsNullOrEmpty(device))
        {
            var values = JsonSerializer.Deserialize(body, GmqJsonContext.Default.ListDeadLetterValue) ?? [];
            await output.WriteLineAsync("ID\tALIAS\tCAPTURED\tBYTES\tREASON");
            foreach (var v in values)
            {
                var captured = DateTimeOffset.FromUnixTimeMilliseconds(v.CapturedAtMs).ToString("u", CultureInfo.InvariantCulture);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{v.MessageId}\t{v.Alias}\t{captured}\t{v.Bytes}\t{v.Reason}"));
            }

            if (values.Count == limit)
            {
                // A full page may not be all: say so on stderr, where a script reading the table does not see it.
                await parse.InvocationConfiguration.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"gwe: showing the first {limit} dead letters of {device}; gwe gmq dead-letters (no DEVICE) gives the total, --limit shows more"));
            }

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
        var device = parse.GetValue(_retryDevice);
        var ids = parse.GetValue(_retryIds) ?? [];
        var (status, body) = await CallAsync(parse, HttpMethod.Post, "dead-letters/retry", SelectionForm(device, ids, all: false), cancellationToken);
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

    private async Task<int> PurgeAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var device = parse.GetValue(_purgeDevice);
        var ids = parse.GetValue(_purgeIds) ?? [];
        var all = parse.GetValue(_all);
        var named = !string.IsNullOrEmpty(device) || ids.Length > 0;
        if (all == named)
        {
            // Removing for good: never by default, and never "everything" by a mistyped selection.
            return await FailAsync(parse, -1, all
                ? "purge: --all purges every dead letter; do not also name a DEVICE or --id"
                : "purge: say which dead letters: a DEVICE, --id ID, or --all for every one (gwe gmq dead-letters lists them)");
        }

        var (status, body) = await CallAsync(parse, HttpMethod.Post, "dead-letters/purge", SelectionForm(device, ids, all), cancellationToken);
        if (status != 200)
        {
            return await FailAsync(parse, status, body);
        }

        var output = parse.InvocationConfiguration.Output;
        if (parse.GetValue(_purgeJson))
        {
            await output.WriteLineAsync(body);
            return 0;
        }

        var purged = JsonSerializer.Deserialize(body, GmqJsonContext.Default.DeadLetterPurge) ?? new DeadLetterPurge(0, 0);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"purged {purged.Purged} value(s), {purged.Bytes} bytes{(string.IsNullOrEmpty(device) ? string.Empty : " of " + device)}"));
        return 0;
    }

    /// <summary>The local API's selection form for retry and purge: <c>device</c>, <c>id</c> (repeated), <c>all</c>.</summary>
    private static string SelectionForm(string? device, string[] ids, bool all)
    {
        var fields = new List<KeyValuePair<string, string>>();
        if (!string.IsNullOrEmpty(device))
        {
            fields.Add(new("device", device));
        }

        fields.AddRange(ids.Select(id => new KeyValuePair<string, string>("id", id)));
        if (all)
        {
            fields.Add(new("all", "true"));
        }

        return FormCodec.Encode(fields);
    }

    private static Argument<string?> DeviceArgument(string otherwise) => new("DEVICE")
    {
        Description = $"Only this device key (as listed by dead-letters); {otherwise}.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static Option<string[]> IdOption() => new("--id")
    {
        Description = "Only this value: its message id (repeatable).",
        HelpName = "ID",
        AllowMultipleArgumentsPerToken = false,
    };

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
