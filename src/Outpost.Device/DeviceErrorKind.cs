namespace Outpost.Device;

/// <summary>Why a device API call failed; lets a CLI or a daemon choose what to do (re-activate, back off, give up).</summary>
public enum DeviceErrorKind
{
    /// <summary>401/403: the CIK is missing, wrong, or revoked. Re-activation is the cure.</summary>
    Unauthorized,

    /// <summary>Another 4xx: the request itself is wrong (unknown alias, bad value, unknown content). Retrying will not help.</summary>
    Rejected,

    /// <summary>Network errors, timeouts, 5xx or 429 that outlasted every retry.</summary>
    Unavailable,

    /// <summary>A download's sha256 did not match the server's <c>X-Content-SHA256</c> (or the server sent none).</summary>
    Integrity,
}
