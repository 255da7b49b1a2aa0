namespace Outpost.Gateway.Queue;

/// <summary>One row of GMQ's identity → CIK map, kept in the queue file (mode 0600).</summary>
/// <param name="DeviceKey">The queue's device key: <c>cik:&lt;hash&gt;</c> or <c>vms:&lt;vendor&gt; &lt;model&gt; &lt;serial&gt;</c>.</param>
/// <param name="Cik">The CIK to forward under; null while a VMS identity's activation is pending.</param>
/// <param name="Vendor">The VMS vendor (product id), when the identity came from <c>X-Exosite-VMS</c> or activation.</param>
/// <param name="Model">The VMS model.</param>
/// <param name="Serial">The VMS serial.</param>
/// <param name="UpdatedAtMs">When the row was last written, epoch milliseconds.</param>
internal sealed record StoredCredential(string DeviceKey, string? Cik, string? Vendor, string? Model, string? Serial, long UpdatedAtMs);
