namespace Outpost.Cloud.Hosting;

/// <summary>
/// Directories and files only the service's own user may read: the data directory (the database holds device values,
/// hashed credentials and encrypted webhook secrets), the Data Protection keys, the CLI's token file. On Windows the
/// profile's ACLs do that job and the modes do not exist.
/// </summary>
internal static class OwnerOnly
{
    private const UnixFileMode Directory700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>File mode 0600, for <see cref="FileStreamOptions.UnixCreateMode"/>.</summary>
    public const UnixFileMode File600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and missing parents) mode 0700; an existing directory keeps its mode.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, Directory700);
        }
    }

    /// <summary>
    /// Takes group and other access away from an existing <paramref name="path"/> (a file 0644 becomes 0600): a database
    /// made before these modes were set is readable by any local user. Missing paths are skipped.
    /// </summary>
    public static void Restrict(string path)
    {
        if (OperatingSystem.IsWindows() || !Path.Exists(path))
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & others) != 0)
        {
            File.SetUnixFileMode(path, mode & ~others);
        }
    }

    /// <summary>Creates an empty <paramref name="path"/> mode 0600 when it does not exist yet; an existing file is left as it is.</summary>
    public static void CreateFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = File600;
        }

        try
        {
            using var created = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            // There already: its owner chose its mode.
        }
    }
}
