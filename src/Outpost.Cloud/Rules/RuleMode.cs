namespace Outpost.Cloud.Rules;

/// <summary>How a rule fires.</summary>
internal enum RuleMode
{
    /// <summary>Level: opens when the condition starts to hold, clears (with hysteresis) when it stops; actions run on the transitions.</summary>
    State,

    /// <summary>Each matching event runs the actions (commands, business logic).</summary>
    Event,
}
