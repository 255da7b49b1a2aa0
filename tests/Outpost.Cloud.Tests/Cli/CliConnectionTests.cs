using Outpost.Cloud.Cli;

namespace Outpost.Cloud.Tests.Cli;

/// <summary>Where the CLI connects: flags, then environment, then the config file, then the default.</summary>
public sealed class CliConnectionTests
{
    private static readonly CliConfigFile Saved = new("http://saved.example:8080", "saved-token");

    [Fact]
    public void Resolve_FlagsBeatEnvironmentBeatConfig()
    {
        var env = Env(("OUTPOST_SERVER", "http://env.example:9000"), ("OUTPOST_TOKEN", "env-token"));

        Assert.Equal(new CliConnection(new Uri("http://flag.example/"), "flag-token"), CliConnection.Resolve("http://flag.example", "flag-token", env, Saved));
        Assert.Equal(new CliConnection(new Uri("http://env.example:9000/"), "env-token"), CliConnection.Resolve(null, null, env, Saved));
        Assert.Equal(new CliConnection(new Uri("http://saved.example:8080/"), "saved-token"), CliConnection.Resolve(null, null, Env(), Saved));
        Assert.Equal(new CliConnection(new Uri("http://127.0.0.1:8080/"), null), CliConnection.Resolve(null, null, Env(), null));
    }

    [Fact]
    public void Resolve_SavedToken_IsNeverSentToAnotherServer()
    {
        Assert.Null(CliConnection.Resolve("http://elsewhere.example", null, Env(), Saved).Token);
        Assert.Equal("saved-token", CliConnection.Resolve("http://SAVED.example:8080/", null, Env(), Saved).Token);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "http://127.0.0.1:8080/")]
    [InlineData("https://outpost.example/ops", "https://outpost.example/ops/")]
    [InlineData("http://h:1/", "http://h:1/")]
    public void ParseServer_AcceptsHostPortAndPrefixes(string text, string expected) =>
        Assert.Equal(new Uri(expected), CliConnection.ParseServer(text));

    [Theory]
    [InlineData("ftp://h")]
    [InlineData("http://h/?q=1")]
    [InlineData("http://")]
    public void ParseServer_RejectsOtherUrls_AsUsageErrors(string text)
    {
        var error = Assert.Throws<CliError>(() => CliConnection.ParseServer(text));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
