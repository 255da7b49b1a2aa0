namespace Outpost.Cloud.Registry;

/// <summary>One alias of a product.</summary>
/// <param name="Alias">The name devices read and write.</param>
/// <param name="Format">What values it accepts.</param>
/// <param name="Settable">Whether the cloud (operators, rules, rollouts) may write it.</param>
internal sealed record Resource(string Alias, ResourceFormat Format, bool Settable);
