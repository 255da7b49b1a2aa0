namespace Outpost.Cloud.Rules;

/// <summary>The kinds of <see cref="RuleChange"/>.</summary>
internal enum RuleChangeKind
{
    Fire,
    Unfire,
    OpenAlert,
    ClearAlerts,
    Deliver,
}
