namespace Outpost.Gateway.Queue.Http;

/// <summary>Who an app request is for: the queue's device key, and the CIK when GMQ has one.</summary>
internal sealed record AppIdentity(string DeviceKey, string? Cik);
