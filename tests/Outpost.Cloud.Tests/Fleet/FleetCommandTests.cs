using Outpost.Cloud.Cli;

namespace Outpost.Cloud.Tests.Fleet;

/// <summary>The fleet command's pure parts: <c>--offline-after</c> durations and the ages a person reads.</summary>
public sealed class FleetCommandTests
{
    [Theory]
    [InlineData("600", 600)]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86_400)]
    [InlineData("30d", 2_592_000)]
    public void Seconds_NumberOrNumberWithUnit(string text, int seconds) => Assert.Equal(seconds, FleetCommand.Seconds(text));

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("0")]
    [InlineData("-5m")]
    [InlineData("+5")]
    [InlineData("1.5h")]
    [InlineData("10 m")]
    [InlineData("31d")]
    [InlineData("2592001")]
    [InlineData("99999999999")]
    [InlineData("5w")]
    public void Seconds_AnythingElse_IsAUsageErrorNamingTheFlag(string text)
    {
        var error = Assert.Throws<CliError>(() => FleetCommand.Seconds(text));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.StartsWith($"--offline-after '{text}' must be a duration", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-3, "0s")]
    [InlineData(0, "0s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(7199, "119m")]
    [InlineData(7200, "2h")]
    [InlineData(172_799, "47h")]
    [InlineData(172_800, "2d")]
    public void Age_ShortForAPerson(int seconds, string text) => Assert.Equal(text, FleetCommand.Age(TimeSpan.FromSeconds(seconds)));
}
