namespace Outpost.Gateway.Supervisor.Config;

/// <summary>supervisord's <c>autorestart</c>: when a program that reached RUNNING and then exited is started again.</summary>
internal enum AutoRestart
{
    /// <summary><c>false</c>: never; the program stays EXITED.</summary>
    Never,

    /// <summary><c>unexpected</c> (the default): only when the exit code is not listed in <c>exitcodes</c>.</summary>
    Unexpected,

    /// <summary><c>true</c>: always.</summary>
    Always,
}
