namespace Outpost.Cloud.Registry;

/// <summary>
/// How the registry's states are spelled wherever they leave the process or come back: in the management API and the
/// fleet view, in rule conditions, in the CLI's filters and in the store's columns. One spelling, read back strictly.
/// </summary>
internal static class RegistryText
{
    public static string Of(DeviceStatus status) => status switch
    {
        DeviceStatus.Activated => "activated",
        DeviceStatus.Disabled => "disabled",
        _ => "notactivated",
    };

    public static string Of(ProvisioningMode mode) => mode == ProvisioningMode.Open ? "open" : "allowlist";

    public static string Of(ResourceFormat format) => format switch
    {
        ResourceFormat.Json => "json",
        ResourceFormat.Number => "number",
        _ => "string",
    };

    /// <summary>False for anything but the three spellings of <see cref="Of(DeviceStatus)"/> (then <paramref name="status"/> is NotActivated).</summary>
    public static bool TryStatus(string? text, out DeviceStatus status)
    {
        status = text switch
        {
            "activated" => DeviceStatus.Activated,
            "disabled" => DeviceStatus.Disabled,
            _ => DeviceStatus.NotActivated,
        };
        return text is "activated" or "disabled" or "notactivated";
    }

    /// <summary>False for anything but string, json or number (then <paramref name="format"/> is String).</summary>
    public static bool TryFormat(string? text, out ResourceFormat format)
    {
        format = text switch
        {
            "json" => ResourceFormat.Json,
            "number" => ResourceFormat.Number,
            _ => ResourceFormat.String,
        };
        return text is "string" or "json" or "number";
    }
}
