using Outpost.Cloud.Registry;

namespace Outpost.Cloud.Tests.Units;

public sealed class RegistryTextTests
{
    [Theory]
    [InlineData((int)DeviceStatus.NotActivated, "notactivated")]
    [InlineData((int)DeviceStatus.Activated, "activated")]
    [InlineData((int)DeviceStatus.Disabled, "disabled")]
    public void DeviceStatus_IsSpelledOneWay_AndReadBack(int value, string text)
    {
        var status = (DeviceStatus)value;
        Assert.Equal(text, RegistryText.Of(status));
        Assert.True(RegistryText.TryStatus(text, out var read));
        Assert.Equal(status, read);
    }

    [Theory]
    [InlineData((int)ResourceFormat.String, "string")]
    [InlineData((int)ResourceFormat.Json, "json")]
    [InlineData((int)ResourceFormat.Number, "number")]
    public void ResourceFormat_IsSpelledOneWay_AndReadBack(int value, string text)
    {
        var format = (ResourceFormat)value;
        Assert.Equal(text, RegistryText.Of(format));
        Assert.True(RegistryText.TryFormat(text, out var read));
        Assert.Equal(format, read);
    }

    [Fact]
    public void ProvisioningMode_IsSpelledAsTheApiTakesIt()
    {
        Assert.Equal("allowlist", RegistryText.Of(ProvisioningMode.Allowlist));
        Assert.Equal("open", RegistryText.Of(ProvisioningMode.Open));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Activated")]
    [InlineData("active")]
    [InlineData(" disabled")]
    public void AnythingElse_IsNoStatus(string? text) => Assert.False(RegistryText.TryStatus(text, out _));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("JSON")]
    [InlineData("int")]
    public void AnythingElse_IsNoFormat(string? text) => Assert.False(RegistryText.TryFormat(text, out _));
}
