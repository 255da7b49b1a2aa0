using System.ComponentModel.DataAnnotations;

namespace Outpost.Cloud;

/// <summary>
/// Settings of <c>outpost serve</c>. To add one: a property with its default and range here, a flag in
/// <c>Cli/ServeCommand.cs</c>, a line in docs/getting-started.md.
/// </summary>
internal sealed record CloudOptions
{
    /// <summary>Where Kestrel listens (<c>--urls</c>).</summary>
    [Required]
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>The data directory (<c>--data</c>): the SQLite store and the content files.</summary>
    [Required]
    public string DataDirectory { get; init; } = "./outpost-data";

    /// <summary>An admin token to accept (<c>OUTPOST_ADMIN_TOKEN</c>), for scripts and tests; otherwise one is made and printed once.</summary>
    public string? AdminToken { get; init; }

    /// <summary>The largest content file accepted (<c>--max-content-mb</c>).</summary>
    [Range(1, long.MaxValue)]
    public long MaxContentBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>How long events stay on the stream (<c>--event-retention-hours</c>), at least until every consumer passed them.</summary>
    public TimeSpan EventRetention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How far ahead of the cloud's clock a device may timestamp a value; a write past it is refused (400). A value
    /// stamped in the future stays the alias' latest value until then, so a long poll answers at once every time and
    /// commands are stamped after it. 24 hours, not minutes: gateways whose clock is set in local time but labelled UTC
    /// (a wrong time zone) run up to 14 hours ahead, and their values are real; only a clock that is days off is refused.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromHours(24);

    public string DatabasePath => Path.Combine(DataDirectory, "outpost.db");

    public string ContentDirectory => Path.Combine(DataDirectory, "content");
}
