namespace Outpost.Cloud.Rollouts;

/// <summary>
/// How a rollout judges and paces its devices.
/// </summary>
/// <param name="App">The app the artifact installs (NAME of NAME.vVERSION.tar.gz).</param>
/// <param name="Version">The version it installs.</param>
/// <param name="Soak">How long a device must run the new version without a restart to count as succeeded.</param>
/// <param name="PauseAt">Fraction (0–1] of a wave failed or timed out that pauses the rollout for a person.</param>
/// <param name="AbortAt">Fraction (0–1] that aborts it.</param>
/// <param name="DeviceTimeout">How long a commanded device has to succeed.</param>
/// <param name="MaxInFlight">Devices being commanded at once.</param>
/// <param name="RollbackOnAbort">Whether an abort sends <c>rollback</c> to every device that installed the new version.</param>
/// <param name="ApproveBetweenWaves">Whether a person must approve each next wave.</param>
internal sealed record RolloutSettings(
    string App,
    string Version,
    TimeSpan Soak,
    double PauseAt,
    double AbortAt,
    TimeSpan DeviceTimeout,
    int MaxInFlight,
    bool RollbackOnAbort = true,
    bool ApproveBetweenWaves = false);
