namespace Outpost.Cloud.Rules;

/// <summary>What a rule may check about a device besides the value that fired: its registry status and latest values.</summary>
internal sealed record DeviceFacts(string Status, IReadOnlyDictionary<string, string> Latest)
{
    public static DeviceFacts None { get; } = new("activated", new Dictionary<string, string>());

    public RuleValue? Value(string? alias) => alias is not null && Latest.TryGetValue(alias, out var text) ? RuleValue.FromText(text) : null;
}
