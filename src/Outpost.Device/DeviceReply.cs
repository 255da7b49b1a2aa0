namespace Outpost.Device;

/// <summary>One whole (small) answer of the device API, read into memory.</summary>
internal sealed record DeviceReply(int Status, byte[] Body, DateTimeOffset? LastModified)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}
