namespace Outpost.Gateway.Supervisor;

/// <summary>The signals a program may name as <c>stopsignal</c>, with their Linux numbers (same on x86-64 and arm64).</summary>
internal enum UnixSignal
{
    /// <summary>SIGHUP.</summary>
    Hup = 1,

    /// <summary>SIGINT.</summary>
    Int = 2,

    /// <summary>SIGQUIT.</summary>
    Quit = 3,

    /// <summary>SIGKILL.</summary>
    Kill = 9,

    /// <summary>SIGUSR1.</summary>
    Usr1 = 10,

    /// <summary>SIGUSR2.</summary>
    Usr2 = 12,

    /// <summary>SIGTERM.</summary>
    Term = 15,
}
