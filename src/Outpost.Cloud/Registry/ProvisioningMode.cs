namespace Outpost.Cloud.Registry;

/// <summary>How a product's devices may activate.</summary>
internal enum ProvisioningMode
{
    /// <summary>A serial must be added to the product before it can activate (the default).</summary>
    Allowlist,

    /// <summary>Any serial may activate once; its device is created on activation.</summary>
    Open,
}
