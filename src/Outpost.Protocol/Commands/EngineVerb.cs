namespace Outpost.Protocol.Commands;

/// <summary>What an <c>engine_fetch</c> command asks the gateway engine to do.</summary>
public enum EngineVerb
{
    /// <summary>Download app tarballs from the content area and install them (seed 002).</summary>
    Install,

    /// <summary>Stop and remove apps.</summary>
    Uninstall,

    /// <summary>Start supervised apps.</summary>
    Start,

    /// <summary>Stop supervised apps.</summary>
    Stop,

    /// <summary>Restart supervised apps.</summary>
    Restart,

    /// <summary>Go back to each app's previously installed version.</summary>
    Rollback,

    /// <summary>Send every report now.</summary>
    Report,
}
