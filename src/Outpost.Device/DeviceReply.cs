namespace Outpost.Device;

/// <summary>One whole (small) answer of the device API, read into memory.</summary>
internal sealed record DeviceReply(int Status, byte[] Body, DateTimeOffset? LastModified)
{
    /// <summary>A refused batch's <c>X-Outpost-Refused-Record</c> and <c>X-Outpost-Refused-Scope</c>, when sent.</summary>
    public (string RecordId, string Scope)? Refused { get; init; }

    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}
