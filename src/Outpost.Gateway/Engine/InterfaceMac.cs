namespace Outpost.Gateway.Engine;

/// <summary>
/// The MAC address of a network interface, read from <c>/sys/class/net/&lt;iface&gt;/address</c> and upper-cased, as the
/// seed's gwe uses it for the serial when <c>uuid</c> is empty. Used by <c>gwe -i</c> and at start-up.
/// </summary>
internal static class InterfaceMac
{
    /// <summary>Where the kernel lists interfaces.</summary>
    public const string SysClassNet = "/sys/class/net";

    /// <summary>Reads the MAC of <paramref name="iface"/>; on failure null and one line saying why.</summary>
    public static string? TryRead(string iface, out string error, string root = SysClassNet)
    {
        error = string.Empty;
        if (iface.Length == 0 || iface.Contains('/', StringComparison.Ordinal) || iface is "." or "..")
        {
            error = $"'{iface}' is not an interface name";
            return null;
        }

        var path = Path.Join(root, iface, "address");
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (IOException ex) when (ex is DirectoryNotFoundException or FileNotFoundException)
        {
            error = $"interface {iface} not found (no {path}; see ip link for the names)";
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"interface {iface}: {path}: {ex.Message.ReplaceLineEndings(" ")}";
            return null;
        }

        var mac = text.ToUpperInvariant();
        if (mac.Length == 0 || mac.All(c => c is '0' or ':'))
        {
            error = $"interface {iface} has no MAC address ({(mac.Length == 0 ? "empty" : mac)}): choose another with --set-iface or set a serial with --set-uuid";
            return null;
        }

        return mac;
    }
}
