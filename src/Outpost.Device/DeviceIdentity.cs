using System.Net.NetworkInformation;
using System.Text;

namespace Outpost.Device;

/// <summary>
/// A device's identity file, in the seed's INI format (<c>gwe --gateway-cfg</c> prints it):
/// <code>
/// [device]
/// cik = ''
/// model = dubhxzv0r4e1m7vj
/// vendor = dubhxzv0r4e1m7vj
/// uuid = AF:14:B9:00:50:2C
/// iface = eth0
/// host = https://dubhxzv0r4e1m7vj.outpost.example
/// </code>
/// Empty values are written as <c>''</c>. A CIK that is not 40 hex characters is treated as absent (an old file may
/// hold a placeholder or a truncated value). Saved atomically (temp file + rename) with mode 0600: it holds a secret.
/// Keys this type does not know, and other sections, are kept as they were.
/// </summary>
public sealed record DeviceIdentity
{
    private const string Section = "device";
    private static readonly string[] KnownKeys = ["cik", "model", "vendor", "uuid", "iface", "host"];

    private readonly string? _cik;

    /// <summary>The CIK, or null when the device is not activated (or the stored value is not 40 hex characters).</summary>
    public string? Cik
    {
        get => _cik;
        init
        {
            _cik = IsCik(value) ? value!.ToLowerInvariant() : null;
            CikMalformed = _cik is null && !string.IsNullOrEmpty(value);
        }
    }

    /// <summary>
    /// True when a CIK was given (the file's <c>cik</c>) but is not 40 hex characters: <see cref="Cik"/> is null, and a
    /// tool can say the value is malformed rather than missing.
    /// </summary>
    public bool CikMalformed { get; private init; }

    /// <summary>The product id sent as <c>model</c>.</summary>
    public string Model { get; init; } = string.Empty;

    /// <summary>The product id sent as <c>vendor</c>.</summary>
    public string Vendor { get; init; } = string.Empty;

    /// <summary>The serial number; when empty, the MAC address of <see cref="Iface"/> is used.</summary>
    public string Uuid { get; init; } = string.Empty;

    /// <summary>The network interface whose MAC address is the serial when <see cref="Uuid"/> is empty.</summary>
    public string Iface { get; init; } = string.Empty;

    /// <summary>The cloud's base URL.</summary>
    public string Host { get; init; } = string.Empty;

    /// <summary>Other keys of the <c>[device]</c> section, kept on save.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Other sections, as raw lines, kept on save.</summary>
    public IReadOnlyList<string> OtherSections { get; init; } = [];

    /// <summary>True when a well-formed CIK is present.</summary>
    public bool Activated => _cik is not null;

    /// <summary>True when <paramref name="value"/> is 40 hex characters.</summary>
    public static bool IsCik(string? value) => value is { Length: 40 } && value.All(char.IsAsciiHexDigit);

    /// <summary>Reads an identity file; a missing file reads as an empty identity.</summary>
    public static async Task<DeviceIdentity> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return File.Exists(path) ? Parse(await File.ReadAllTextAsync(path, cancellationToken)) : new DeviceIdentity();
    }

    /// <summary>Reads an identity file synchronously (for constructors); a missing file reads as an empty identity.</summary>
    public static DeviceIdentity Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : new DeviceIdentity();
    }

    /// <summary>Parses the INI text. Keys before any section header count as <c>[device]</c> (the seed's app cfg has none).</summary>
    public static DeviceIdentity Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var other = new List<string>();
        var inDevice = true;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
            {
                inDevice = string.Equals(trimmed[1..^1].Trim(), Section, StringComparison.OrdinalIgnoreCase);
                if (!inDevice)
                {
                    other.Add(trimmed);
                }

                continue;
            }

            if (!inDevice)
            {
                if (trimmed.Length > 0)
                {
                    other.Add(line);
                }

                continue;
            }

            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                continue;
            }

            var eq = trimmed.IndexOfAny(['=', ':']);
            if (eq <= 0)
            {
                continue;
            }

            values[trimmed[..eq].Trim()] = Unquote(trimmed[(eq + 1)..].Trim());
        }

        string Get(string key) => values.TryGetValue(key, out var v) ? v : string.Empty;
        return new DeviceIdentity
        {
            Cik = Get("cik"),
            Model = Get("model"),
            Vendor = Get("vendor"),
            Uuid = Get("uuid"),
            Iface = Get("iface"),
            Host = Get("host"),
            Extra = values.Where(kv => !KnownKeys.Contains(kv.Key, StringComparer.OrdinalIgnoreCase))
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            OtherSections = other,
        };
    }

    /// <summary>The INI text of this identity.</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        sb.Append('[').Append(Section).Append("]\n");
        Line(sb, "cik", Cik ?? string.Empty);
        Line(sb, "model", Model);
        Line(sb, "vendor", Vendor);
        Line(sb, "uuid", Uuid);
        Line(sb, "iface", Iface);
        Line(sb, "host", Host);
        foreach (var (key, value) in Extra)
        {
            Line(sb, key, value);
        }

        if (OtherSections.Count > 0)
        {
            sb.Append('\n');
            foreach (var line in OtherSections)
            {
                sb.Append(line).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Writes the file atomically with mode 0600: a temp file beside it (created 0600, so the CIK is never readable by
    /// others even for a moment), flushed to disk, then renamed over the old one. A crash leaves the old or the new file.
    /// </summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(Format()), cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// The serial to activate with: <see cref="Uuid"/>, else the MAC address of <see cref="Iface"/> in upper case with
    /// colons (as gwe does), else null.
    /// </summary>
    public string? ResolveSerial()
    {
        if (Uuid.Length > 0)
        {
            return Uuid;
        }

        if (Iface.Length == 0)
        {
            return null;
        }

        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => string.Equals(n.Name, Iface, StringComparison.Ordinal));
        var bytes = nic?.GetPhysicalAddress().GetAddressBytes();
        return bytes is { Length: > 0 } ? string.Join(':', bytes.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture))) : null;
    }

    private static void Line(StringBuilder sb, string key, string value) =>
        sb.Append(key).Append(" = ").Append(value.Length == 0 ? "''" : value).Append('\n');

    private static string Unquote(string value) =>
        value.Length >= 2 && ((value[0] == '\'' && value[^1] == '\'') || (value[0] == '"' && value[^1] == '"')) ? value[1..^1] : value;
}
