using Outpost.Protocol.Commands;

namespace Outpost.Protocol.Tests;

public sealed class EngineCommandTests
{
    [Fact]
    public void TryParse_SeedInstallCommand_ParsesAsWritten()
    {
        Assert.True(EngineCommand.TryParse("{\"install\": [{\"name\": \"test_app.v1.tar.gz\"}]}", out var command, out var error, out var id), error);

        Assert.Equal(EngineVerb.Install, command.Verb);
        Assert.Equal([new EngineTarget("test_app.v1.tar.gz")], command.Targets);
        Assert.Null(id);
        Assert.Null(command.Id);
    }

    [Fact]
    public void TryParse_InstallWithShaAndId_KeepsBothShaLowerCased()
    {
        var sha = new string('A', 64);
        Assert.True(EngineCommand.TryParse($"{{\"id\": \"r-1\", \"install\": [{{\"name\": \"a.v2.tar.gz\", \"sha256\": \"{sha}\"}}]}}", out var command, out var error, out var id), error);

        Assert.Equal("r-1", id);
        Assert.Equal("r-1", command.Id);
        Assert.Equal(new string('a', 64), command.Targets[0].Sha256);
    }

    [Theory]
    [InlineData("uninstall", EngineVerb.Uninstall)]
    [InlineData("start", EngineVerb.Start)]
    [InlineData("stop", EngineVerb.Stop)]
    [InlineData("restart", EngineVerb.Restart)]
    [InlineData("rollback", EngineVerb.Rollback)]
    public void TryParse_AppVerbs_TakeAppNames(string key, EngineVerb verb)
    {
        Assert.True(EngineCommand.TryParse($"{{\"{key}\": [{{\"name\": \"test_app\"}}, {{\"name\": \"other-app\"}}]}}", out var command, out var error, out _), error);

        Assert.Equal(verb, command.Verb);
        Assert.Equal(["test_app", "other-app"], command.Targets.Select(t => t.Name));
    }

    [Fact]
    public void TryParse_Report_HasNoTargets()
    {
        Assert.True(EngineCommand.TryParse("{\"report\": {}}", out var command, out _, out _));

        Assert.Equal(EngineVerb.Report, command.Verb);
        Assert.Empty(command.Targets);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("{}", "no command")]
    [InlineData("{\"format\": [{\"name\": \"x\"}]}", "unknown command 'format'")]
    [InlineData("{\"install\": [{\"name\": \"a.v1.tar.gz\"}], \"stop\": [{\"name\": \"a\"}]}", "one command per write")]
    [InlineData("{\"install\": []}", "non-empty array")]
    [InlineData("{\"install\": {\"name\": \"a.v1.tar.gz\"}}", "non-empty array")]
    [InlineData("{\"install\": [{}]}", "install[0]: missing \"name\"")]
    [InlineData("{\"install\": [{\"name\": \"\"}]}", "missing \"name\"")]
    [InlineData("{\"install\": [{\"name\": \"app.tar.gz\"}]}", "NAME.vVERSION.tar.gz")]
    [InlineData("{\"install\": [{\"name\": \"a.v1.tar.gz\", \"sha256\": \"abc\"}]}", "sha256 must be 64 hex")]
    [InlineData("{\"stop\": [{\"name\": \"../etc\"}]}", "is not an app name")]
    [InlineData("{\"id\": 5, \"report\": {}}", "\"id\" must be a string")]
    public void TryParse_BadCommand_IsRefusedWithAReason(string text, string reasonPart)
    {
        Assert.False(EngineCommand.TryParse(text, out _, out var error, out _));

        Assert.Contains(reasonPart, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Theory]
    [InlineData("not json", "engine_fetch is not valid JSON (at character 2): 'not json' is an invalid JSON literal.")]
    [InlineData("{\"install\": [", "engine_fetch is not valid JSON (at character 14): Expected depth to be zero at the end of the JSON payload.")]
    public void TryParse_NotJson_SaysWhereInTheOperatorsTerms(string text, string expectedStart)
    {
        Assert.False(EngineCommand.TryParse(text, out _, out var error, out _));

        Assert.StartsWith(expectedStart, error, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_BadCommandWithId_StillReturnsTheId()
    {
        Assert.False(EngineCommand.TryParse("{\"id\": \"r-9\", \"explode\": []}", out _, out _, out var id));

        Assert.Equal("r-9", id);
    }

    [Fact]
    public void ToJson_RoundTrips()
    {
        var command = new EngineCommand(EngineVerb.Install, [new EngineTarget("a.v1.tar.gz", new string('b', 64))], "id-1");

        Assert.True(EngineCommand.TryParse(command.ToJson(), out var parsed, out var error, out _), error);

        Assert.Equal(command.Verb, parsed.Verb);
        Assert.Equal(command.Targets, parsed.Targets);
        Assert.Equal(command.Id, parsed.Id);
    }

    [Fact]
    public void ToJson_Report_IsAnEmptyObject() =>
        Assert.Equal("{\"report\":{}}", new EngineCommand(EngineVerb.Report, []).ToJson());
}
