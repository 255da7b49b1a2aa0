namespace Outpost.Protocol.Aliases;

/// <summary>One alias of the gateway product template.</summary>
/// <param name="Alias">The alias name devices read and write.</param>
/// <param name="Name">The display name from seed 002.</param>
/// <param name="Format"><c>string</c>, <c>json</c> or <c>number</c>.</param>
/// <param name="Settable">Whether the cloud (operators, rules, rollouts) may write it.</param>
public sealed record GatewayAlias(string Alias, string Name, string Format, bool Settable);
