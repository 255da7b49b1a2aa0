namespace Outpost.Gateway.Apps;

/// <summary>
/// Lexical rules for paths inside a tarball: split into segments, reject absolute paths and <c>..</c>, and resolve a
/// symlink target against the links the tarball itself creates (a purely lexical check would let
/// <c>a -> sub/l/..</c> escape when <c>sub/l</c> is itself a link to the root).
/// </summary>
internal static class TarballPaths
{
    /// <summary>The most links followed while resolving one target, as the kernel's ELOOP limit.</summary>
    public const int MaxLinkHops = 40;

    /// <summary>Splits <paramref name="path"/> into segments, dropping empty and <c>.</c> segments (so <c>./a//b</c> is <c>a/b</c>).</summary>
    public static List<string> Segments(string path) =>
        [.. path.Split('/').Where(s => s.Length > 0 && s != ".")];

    /// <summary>Whether <paramref name="segments"/> holds a <c>..</c> segment.</summary>
    public static bool HasParentSegment(IEnumerable<string> segments) => segments.Any(s => s == "..");

    /// <summary>The outcome of resolving a symlink target.</summary>
    public enum Resolution
    {
        /// <summary>The target stays inside the extraction root (it may not exist: a dangling link is harmless).</summary>
        Inside,

        /// <summary>The target leaves the root (absolute, or too many <c>..</c>).</summary>
        Outside,

        /// <summary>Following links did not end within <see cref="MaxLinkHops"/>.</summary>
        Loop,
    }

    /// <summary>
    /// Resolves <paramref name="target"/> as the kernel would from directory <paramref name="fromDirectory"/> (segments
    /// under the root), following the links in <paramref name="links"/> (normalised path → raw target).
    /// </summary>
    public static Resolution Resolve(IReadOnlyList<string> fromDirectory, string target, IReadOnlyDictionary<string, string> links)
    {
        if (target.StartsWith('/'))
        {
            return Resolution.Outside;
        }

        var current = new List<string>(fromDirectory);
        // Components still to walk, next one on top.
        var pending = new Stack<string>(target.Split('/').Reverse());
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (current.Count == 0)
                {
                    return Resolution.Outside;
                }

                current.RemoveAt(current.Count - 1);
                continue;
            }

            current.Add(part);
            if (!links.TryGetValue(string.Join('/', current), out var next))
            {
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                return Resolution.Loop;
            }

            if (next.StartsWith('/'))
            {
                return Resolution.Outside;
            }

            // The link's own target is relative to the directory holding the link.
            current.RemoveAt(current.Count - 1);
            foreach (var p in next.Split('/').Reverse())
            {
                pending.Push(p);
            }
        }

        return Resolution.Inside;
    }
}
