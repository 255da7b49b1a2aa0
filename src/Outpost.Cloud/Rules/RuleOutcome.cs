namespace Outpost.Cloud.Rules;

/// <summary>What one evaluation decided.</summary>
internal enum RuleOutcome
{
    /// <summary>Nothing changes.</summary>
    None,

    /// <summary>A state rule starts firing: open alerts, run open actions.</summary>
    Open,

    /// <summary>A state rule stops firing: clear its alert, run clear actions.</summary>
    Clear,

    /// <summary>An event rule matched and its requirements hold: run its actions.</summary>
    Fire,

    /// <summary>The condition matched but a requirement failed: run <c>otherwise</c>.</summary>
    Refuse,
}
