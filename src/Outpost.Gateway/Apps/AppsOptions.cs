using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Outpost.Device;

namespace Outpost.Gateway.Apps;

/// <summary>Where the install pipeline keeps apps, logs and state, and how patient it is with install.sh.</summary>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Range(typeof(TimeSpan)) converts with the built-in TimeSpanConverter, which trimming keeps; PropertyValidation reads the attributes through the annotated type.")]
internal sealed record AppsOptions
{
    /// <summary>The gwe home (exported to install.sh as <c>GWE_HOME</c>).</summary>
    [Required]
    public required string Home { get; init; }

    /// <summary>Slots live under here: <c>&lt;apps&gt;/&lt;name&gt;/&lt;version&gt;</c>.</summary>
    public string AppsDirectory => Path.Join(Home, "apps");

    /// <summary>Where supervised apps log (the seed's <c>/var/log</c>).</summary>
    public string LogDirectory => Path.Join(Home, "logs");

    /// <summary>The installed-apps record, the journal and the engine_fetch cursor.</summary>
    public string StateDirectory => Path.Join(Home, "state");

    /// <summary>Downloaded tarballs (kept until installed, so a broken download resumes).</summary>
    public string DownloadDirectory => Path.Join(Home, "downloads");

    /// <summary>Tarballs installed on first start (the seed's release-package flow).</summary>
    public string AppsToInstallDirectory => Path.Join(Home, "apps_to_install");

    /// <summary>How long install.sh may run. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan InstallTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The hostile-tarball limits.</summary>
    public TarballCheckOptions Limits { get; init; } = TarballCheckOptions.Default;
}
