namespace Outpost.Cloud.Registry;

/// <summary>Who a device-API request is: the device's row id, product and serial.</summary>
internal sealed record DeviceIdentity(long DeviceId, string ProductId, string Serial);
