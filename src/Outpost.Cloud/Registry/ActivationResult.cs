namespace Outpost.Cloud.Registry;

/// <summary>The outcome of an activation request, as the device API maps it to 200 / 404 / 409.</summary>
internal enum ActivationResult
{
    /// <summary>A CIK was issued.</summary>
    Activated,

    /// <summary>Unknown product, or a serial the product does not allow.</summary>
    NotFound,

    /// <summary>Already activated, or disabled.</summary>
    Conflict,
}
