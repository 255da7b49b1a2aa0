namespace Outpost.Gateway.Daemon;

/// <summary>The daemon cannot start; the message is the one line printed before exiting non-zero.</summary>
internal sealed class DaemonStartException : Exception
{
    /// <summary>Creates the exception with the line to print.</summary>
    public DaemonStartException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the line to print and its cause.</summary>
    public DaemonStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message (for analyzers; not used).</summary>
    public DaemonStartException()
        : base("the gwe daemon cannot start")
    {
    }
}
