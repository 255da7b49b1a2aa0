namespace Outpost.Cloud.Simulator;

/// <summary>Settings of one <c>outpost simulate</c> run (the CLI's flags); <see cref="Validate"/> names the first bad one.</summary>
internal sealed record SimulatorOptions
{
    public required string ProductId { get; init; }

    public required int Count { get; init; }

    /// <summary>Fraction of installs that fail (the old version keeps running).</summary>
    public double FailRate { get; init; } = 0.05;

    /// <summary>Fraction of successful installs whose new version crash-loops.</summary>
    public double CrashRate { get; init; }

    /// <summary>Fraction of gateways that go silent now and then (no polls, no reports).</summary>
    public double OfflineRate { get; init; }

    public LatencyRange Latency { get; init; } = LatencyRange.Default;

    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(10);

    public string SerialPrefix { get; init; } = "sim-";

    /// <summary>The app every gateway starts with, and its version.</summary>
    public string App { get; init; } = "test_app";

    public string AppVersion { get; init; } = "1";

    /// <summary>How long one engine_fetch long poll waits; longer means fewer requests while nothing happens.</summary>
    public TimeSpan LongPollTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Starts are spread evenly-at-random over this; null: one second per 500 gateways (at least one second).</summary>
    public TimeSpan? Ramp { get; init; }

    /// <summary>How long an offline spell lasts (uniform); online spells in between last 1-4 times as long.</summary>
    public LatencyRange OfflineSpell { get; init; } = new(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(90));

    /// <summary>Seed for the dice; null: a new one each run.</summary>
    public int? Seed { get; init; }

    /// <summary>The effective start ramp.</summary>
    public TimeSpan EffectiveRamp => Ramp ?? TimeSpan.FromSeconds(Math.Max(1, Count / 500.0));

    /// <summary>The serial of gateway <paramref name="index"/> (0-based): <c>sim-00001</c>…</summary>
    public string Serial(int index) => SerialPrefix + (index + 1).ToString("D" + Math.Max(5, Count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(ProductId))
        {
            return "--product is required";
        }

        if (Count is < 1 or > 100_000)
        {
            return "--count must be 1-100000";
        }

        foreach (var (name, rate) in new[] { ("--fail-rate", FailRate), ("--crash-rate", CrashRate), ("--offline-rate", OfflineRate) })
        {
            if (rate is < 0 or > 1 || double.IsNaN(rate))
            {
                return $"{name} must be between 0 and 1, not {rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            }
        }

        if (ReportInterval < TimeSpan.FromMilliseconds(100))
        {
            return "--report-interval must be at least 100ms";
        }

        if (LongPollTimeout <= TimeSpan.Zero || LongPollTimeout > TimeSpan.FromSeconds(300))
        {
            return "the long poll timeout must be 1-300 s";
        }

        if (!Protocol.Tarballs.TarballName.TryCreate(App, AppVersion, out _, out var appError))
        {
            return "--app/--app-version: " + appError;
        }

        return string.IsNullOrWhiteSpace(SerialPrefix) || SerialPrefix.Any(char.IsWhiteSpace) ? "--serial-prefix must be non-empty without spaces" : null;
    }
}
