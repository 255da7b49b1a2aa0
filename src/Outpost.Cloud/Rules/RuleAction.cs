namespace Outpost.Cloud.Rules;

/// <summary>What a rule does when it fires: one of alert, write or webhook.</summary>
/// <param name="Alert">Open an alert (and clear it when a state rule clears).</param>
/// <param name="Write">Write an alias of this device or another one, through the write path.</param>
/// <param name="Webhook">POST the firing as signed JSON to a URL.</param>
internal sealed record RuleAction(AlertAction? Alert = null, WriteAction? Write = null, WebhookAction? Webhook = null);
