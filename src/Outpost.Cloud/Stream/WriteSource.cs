namespace Outpost.Cloud.Stream;

/// <summary>Who wrote a value: the device itself, or the cloud on someone's behalf (command &amp; control).</summary>
internal enum WriteSource
{
    Device,
    Management,
    Rule,
    Rollout,
}
