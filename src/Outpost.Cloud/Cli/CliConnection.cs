namespace Outpost.Cloud.Cli;

/// <summary>
/// Where the CLI sends requests and with which token. Each is taken from the first that gives it: the
/// <c>--server</c>/<c>--token</c> flags, the <c>OUTPOST_SERVER</c>/<c>OUTPOST_TOKEN</c> environment, the config file
/// that <c>outpost login</c> wrote; the server defaults to <see cref="DefaultServer"/>.
/// </summary>
internal sealed record CliConnection(Uri Server, string? Token)
{
    public const string DefaultServer = "http://127.0.0.1:8080";

    public static CliConnection Resolve(string? flagServer, string? flagToken, Func<string, string?> environment, CliConfigFile? config)
    {
        var serverText = Blank(flagServer) ?? Blank(environment("OUTPOST_SERVER")) ?? Blank(config?.Server) ?? DefaultServer;
        var server = ParseServer(serverText);

        // The saved token belongs to the saved server: never send it to another one named by a flag or the environment.
        var configToken = config?.Token is { } saved && Blank(config.Server) is { } savedServer && SameServer(ParseServer(savedServer), server)
            ? saved
            : null;
        var token = Blank(flagToken) ?? Blank(environment("OUTPOST_TOKEN")) ?? Blank(configToken);
        return new CliConnection(server, token);
    }

    /// <summary>Accepts <c>http(s)://host[:port][/prefix]</c>; a bare <c>host:port</c> means http.</summary>
    public static Uri ParseServer(string text)
    {
        var candidate = text.Trim();
        if (!candidate.Contains("://", StringComparison.Ordinal))
        {
            candidate = "http://" + candidate;
        }

        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw CliError.Usage($"server '{text}' must be an http:// or https:// URL such as {DefaultServer}");
        }

        // A trailing slash makes relative API paths land under a path prefix (a server behind a reverse proxy).
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
    }

    /// <summary>The server as users typed it, without the slash the client needs: for messages.</summary>
    public string ServerText => Server.ToString().TrimEnd('/');

    private static bool SameServer(Uri a, Uri b) => Uri.Compare(a, b, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
