namespace Outpost.Cloud.Registry;

/// <summary>
/// How the registry's states are spelled wherever they leave the process or come back: in the management API and the
/// fleet view, in rule conditions, in the CLI's filters and in the store's columns. One table per state, so writing
/// and reading back cannot disagree; reading is strict (exact, lower-case).
/// </summary>
internal static class RegistryText
{
    private static readonly (DeviceStatus Value, string Text)[] Statuses =
        [(DeviceStatus.NotActivated, "notactivated"), (DeviceStatus.Activated, "activated"), (DeviceStatus.Disabled, "disabled")];

    private static readonly (ProvisioningMode Value, string Text)[] Provisioning =
        [(ProvisioningMode.Allowlist, "allowlist"), (ProvisioningMode.Open, "open")];

    private static readonly (ResourceFormat Value, string Text)[] Formats =
        [(ResourceFormat.String, "string"), (ResourceFormat.Json, "json"), (ResourceFormat.Number, "number")];

    public static string Of(DeviceStatus status) => Spell(Statuses, status);

    public static string Of(ProvisioningMode mode) => Spell(Provisioning, mode);

    public static string Of(ResourceFormat format) => Spell(Formats, format);

    /// <summary>False for anything but the spellings of <see cref="Of(DeviceStatus)"/> (then <paramref name="status"/> is NotActivated).</summary>
    public static bool TryStatus(string? text, out DeviceStatus status) => TryRead(Statuses, text, out status);

    /// <summary>False for anything but allowlist or open (then <paramref name="mode"/> is Allowlist).</summary>
    public static bool TryProvisioning(string? text, out ProvisioningMode mode) => TryRead(Provisioning, text, out mode);

    /// <summary>False for anything but string, json or number (then <paramref name="format"/> is String).</summary>
    public static bool TryFormat(string? text, out ResourceFormat format) => TryRead(Formats, text, out format);

    /// <summary>The first row's text for a value the table lacks (an undefined enum value): the default state.</summary>
    private static string Spell<T>((T Value, string Text)[] table, T value)
        where T : struct, Enum
    {
        foreach (var row in table)
        {
            if (EqualityComparer<T>.Default.Equals(row.Value, value))
            {
                return row.Text;
            }
        }

        return table[0].Text;
    }

    private static bool TryRead<T>((T Value, string Text)[] table, string? text, out T value)
        where T : struct, Enum
    {
        foreach (var row in table)
        {
            if (string.Equals(row.Text, text, StringComparison.Ordinal))
            {
                value = row.Value;
                return true;
            }
        }

        value = table[0].Value;
        return false;
    }
}
