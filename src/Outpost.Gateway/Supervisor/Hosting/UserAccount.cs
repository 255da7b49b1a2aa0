using System.Globalization;

namespace Outpost.Gateway.Supervisor.Hosting;

/// <summary>An entry of <c>/etc/passwd</c>, for the <c>user</c> setting.</summary>
/// <param name="Name">The login name.</param>
/// <param name="Uid">The user id.</param>
/// <param name="Gid">The primary group id.</param>
/// <param name="Home">The home directory.</param>
/// <param name="Shell">The login shell.</param>
internal sealed record UserAccount(string Name, int Uid, int Gid, string Home, string Shell)
{
    /// <summary>Finds <paramref name="user"/> (a name or a numeric uid) in passwd-format <paramref name="passwd"/> text.</summary>
    public static UserAccount? Find(string passwd, string user)
    {
        ArgumentNullException.ThrowIfNull(passwd);
        ArgumentNullException.ThrowIfNull(user);
        var byUid = int.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var wanted);
        foreach (var line in passwd.Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length < 7
                || !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                || !int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                continue;
            }

            if (f[0] == user || (byUid && uid == wanted))
            {
                return new UserAccount(f[0], uid, gid, f[5], f[6].TrimEnd('\r'));
            }
        }

        return null;
    }
}
