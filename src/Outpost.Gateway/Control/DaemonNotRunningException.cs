namespace Outpost.Gateway.Control;

/// <summary>The control socket is missing or nobody listens on it; the message is the CLI's one line.</summary>
internal sealed class DaemonNotRunningException : Exception
{
    /// <summary>Creates the exception with the line to print.</summary>
    public DaemonNotRunningException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the line to print and its cause.</summary>
    public DaemonNotRunningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic line.</summary>
    public DaemonNotRunningException()
        : base("the gwe daemon is not running")
    {
    }
}
