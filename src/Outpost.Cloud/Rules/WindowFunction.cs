namespace Outpost.Cloud.Rules;

/// <summary>What a time window reduces its values to.</summary>
internal enum WindowFunction
{
    Avg,
    Min,
    Max,
    Count,
}
