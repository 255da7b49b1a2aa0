namespace Outpost.Cloud.Stream;

/// <summary>How a <see cref="WriteSource"/> is spelled in events (<see cref="DeviceEvent.Source"/>) and in the store.</summary>
internal static class WriteSourceText
{
    public static string Of(WriteSource source) => source switch
    {
        WriteSource.Management => "management",
        WriteSource.Rule => "rule",
        WriteSource.Rollout => "rollout",
        _ => "device",
    };
}
