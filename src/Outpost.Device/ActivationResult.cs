namespace Outpost.Device;

/// <summary>The outcome of <see cref="DeviceClient.ActivateAsync"/>.</summary>
/// <param name="Status">What the cloud answered.</param>
/// <param name="Cik">The new CIK when <paramref name="Status"/> is <see cref="ActivationStatus.Activated"/>, else null.</param>
public sealed record ActivationResult(ActivationStatus Status, string? Cik)
{
    /// <summary>True when a CIK was issued.</summary>
    public bool Activated => Status == ActivationStatus.Activated;
}
