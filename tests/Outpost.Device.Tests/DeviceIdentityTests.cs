using Outpost.Testing;

namespace Outpost.Device.Tests;

public sealed class DeviceIdentityTests
{
    private const string Cik = "7f091cf4b16de3fb3172c253eb35109a6992d76b";

    [Fact]
    public void Parse_SeedGatewayCfg_ReadsEmptyQuotedValuesAsEmpty()
    {
        var identity = DeviceIdentity.Parse("[device]\ncik = ''\nmodel = asdfiuyhj567uj\nvendor = asdfiuyhj567uj\nuuid = ''\niface = en0\n");

        Assert.Null(identity.Cik);
        Assert.False(identity.Activated);
        Assert.Equal("asdfiuyhj567uj", identity.Model);
        Assert.Equal("asdfiuyhj567uj", identity.Vendor);
        Assert.Equal(string.Empty, identity.Uuid);
        Assert.Equal("en0", identity.Iface);
    }

    [Fact]
    public void Parse_SeedAppCfgWithoutSection_ReadsKeys()
    {
        var identity = DeviceIdentity.Parse("cik = ''\r\nvendor = dubhxzv0r4e1m7vj\r\nmodel = dubhxzv0r4e1m7vj\r\nuuid = AF:14:B9:00:50:2C\r\n");

        Assert.Equal("dubhxzv0r4e1m7vj", identity.Vendor);
        Assert.Equal("AF:14:B9:00:50:2C", identity.Uuid);
        Assert.Equal("AF:14:B9:00:50:2C", identity.ResolveSerial());
    }

    [Theory]
    [InlineData("not-a-cik")]
    [InlineData("7f091cf4b16de3fb3172c253eb35109a6992d76")]
    [InlineData("7f091cf4b16de3fb3172c253eb35109a6992d76bb")]
    [InlineData("zf091cf4b16de3fb3172c253eb35109a6992d76b")]
    public void Parse_CikNot40Hex_IsTreatedAsAbsent(string cik)
    {
        Assert.Null(DeviceIdentity.Parse($"[device]\ncik = {cik}\n").Cik);
    }

    [Fact]
    public async Task SaveAsync_ThenLoad_RoundTripsWithEmptyValuesQuotedAndMode0600()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("etc", "Gateway.cfg");
        var identity = new DeviceIdentity { Cik = Cik.ToUpperInvariant(), Model = "pid123456", Vendor = "pid123456", Iface = "eth0", Host = "http://127.0.0.1:8080" };

        await identity.SaveAsync(path);
        var text = await File.ReadAllTextAsync(path);
        var loaded = await DeviceIdentity.LoadAsync(path);

        Assert.Contains("uuid = ''\n", text, StringComparison.Ordinal);
        Assert.Contains($"cik = {Cik}\n", text, StringComparison.Ordinal);
        Assert.StartsWith("[device]\n", text, StringComparison.Ordinal);
        Assert.Equal(Cik, loaded.Cik);
        Assert.Equal(identity.Host, loaded.Host);
        Assert.Equal(identity.Iface, loaded.Iface);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Single(Directory.GetFiles(dir.Combine("etc")));
    }

    [Fact]
    public async Task SaveAsync_OverExistingFile_KeepsUnknownKeysAndSections()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("app.cfg");
        await File.WriteAllTextAsync(path, "[device]\ncik = ''\nmodel = m\nactivation_retry_interval = 30\n\n[logging]\nlevel = DEBUG\n");

        var loaded = await DeviceIdentity.LoadAsync(path);
        await (loaded with { Cik = Cik }).SaveAsync(path);
        var again = await DeviceIdentity.LoadAsync(path);
        var text = await File.ReadAllTextAsync(path);

        Assert.Equal(Cik, again.Cik);
        Assert.Equal("30", again.Extra["activation_retry_interval"]);
        Assert.Contains("[logging]\nlevel = DEBUG\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MissingFile_IsEmptyIdentity()
    {
        using var dir = new TempDirectory();

        var identity = await DeviceIdentity.LoadAsync(dir.Combine("none.cfg"));

        Assert.False(identity.Activated);
        Assert.Null(identity.ResolveSerial());
    }
}
