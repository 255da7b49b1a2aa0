namespace Outpost.Device;

/// <summary>How an activation request ended.</summary>
public enum ActivationStatus
{
    /// <summary>200: the cloud issued a new CIK.</summary>
    Activated,

    /// <summary>409: the serial is already activated (its CIK was issued before), or the device is disabled.</summary>
    AlreadyActivated,

    /// <summary>404: the product is unknown, or the serial is not allowed to activate.</summary>
    NotAllowed,
}
