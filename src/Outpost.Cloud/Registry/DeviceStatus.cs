namespace Outpost.Cloud.Registry;

/// <summary>A device's lifecycle state in the registry.</summary>
internal enum DeviceStatus
{
    /// <summary>Known to the registry, no CIK issued yet (or re-enabled after a disable).</summary>
    NotActivated,

    /// <summary>Holds a CIK and may use the device API.</summary>
    Activated,

    /// <summary>Refused everywhere until re-enabled.</summary>
    Disabled,
}
