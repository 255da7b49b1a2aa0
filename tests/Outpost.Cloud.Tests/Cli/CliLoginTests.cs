using Outpost.Testing;

namespace Outpost.Cloud.Tests.Cli;

/// <summary><c>outpost login</c> and the config file it writes.</summary>
public sealed class CliLoginTests
{
    [Fact]
    public async Task Login_SavesOwnerOnlyConfig_ThatLaterCommandsUse()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory();
        var pid = await cloud.CreateProductAsync();
        var bare = new OutpostCli(null, null, temp.Combine("outpost", "config.json"));
        var server = cloud.BaseAddress.ToString().TrimEnd('/');

        var wrong = await bare.RunRawAsync(["login", "--server", server, "--token", "opt_wrong"], new Dictionary<string, string>());
        Assert.Equal(2, wrong.ExitCode);
        Assert.Single(wrong.ErrorLines);
        Assert.False(File.Exists(bare.ConfigPath));

        var login = await bare.RunRawAsync(["login", "--server", server, "--token", cloud.AdminToken], new Dictionary<string, string>());
        Assert.True(login.ExitCode == 0, login.ToString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(bare.ConfigPath));
        }

        var list = await bare.RunRawAsync(["product", "list", "--json"], new Dictionary<string, string>());
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(pid, list.Json()[0].GetProperty("id").GetString());

        // The environment overrides the file: a wrong OUTPOST_TOKEN is used, and refused.
        var overridden = await bare.RunRawAsync(["product", "list"], new Dictionary<string, string> { ["OUTPOST_TOKEN"] = "opt_wrong" });
        Assert.Equal(2, overridden.ExitCode);
    }

    [Theory]
    [InlineData("[]", "outpost: config file {0} is not the JSON outpost login writes (line 1, column 2): expected {{\"server\": \"…\", \"token\": \"…\"}}")]
    [InlineData("{\"server\": ", "outpost: config file {0} is not the JSON outpost login writes (line 1, column 12): expected {{\"server\": \"…\", \"token\": \"…\"}}")]
    [InlineData(null, "outpost: config file {0} is a directory, not a file")]
    public async Task AConfigFileThatIsNotOne_IsOneLineNamingIt_WithoutDotNetTypeNames(string? content, string line)
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("config.json");
        if (content is null)
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            await File.WriteAllTextAsync(path, content);
        }

        var result = await new OutpostCli(null, null, path).RunRawAsync(["product", "list"], new Dictionary<string, string>());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, line, path), Assert.Single(result.ErrorLines));
    }
}
