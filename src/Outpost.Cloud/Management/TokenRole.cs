namespace Outpost.Cloud.Management;

/// <summary>What a management token may do. Each role includes the ones below it.</summary>
internal enum TokenRole
{
    /// <summary>Read everything.</summary>
    Viewer = 1,

    /// <summary>Also write devices, aliases and content; run the fleet.</summary>
    Operator = 2,

    /// <summary>Also delete products and manage tokens.</summary>
    Admin = 3,
}
