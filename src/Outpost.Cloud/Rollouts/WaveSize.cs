namespace Outpost.Cloud.Rollouts;

/// <summary>How far a wave reaches, cumulatively: a device count, or a percentage of the target.</summary>
/// <param name="Value">The count, or the percentage (0 &lt; p ≤ 100).</param>
/// <param name="IsPercent">True for a percentage.</param>
internal readonly record struct WaveSize(double Value, bool IsPercent)
{
    /// <summary>The cumulative number of target devices this wave reaches, out of <paramref name="targetCount"/>.</summary>
    public int Reach(int targetCount) =>
        IsPercent ? (int)Math.Min(targetCount, Math.Ceiling(Value * targetCount / 100.0 - 1e-9)) : (int)Math.Min(targetCount, Value);

    public override string ToString() => IsPercent ? $"{Value:0.##}%" : $"{Value:0}";
}
