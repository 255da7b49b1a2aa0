namespace Outpost.Gateway.Engine;

/// <summary><c>gwe -o</c> could not complete its cycle; the message is the one line printed before exiting non-zero.</summary>
internal sealed class EngineCycleException : Exception
{
    /// <summary>Creates the exception with the line to print.</summary>
    public EngineCycleException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the line to print and its cause.</summary>
    public EngineCycleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message (for analyzers; not used).</summary>
    public EngineCycleException()
        : base("the gwe cycle failed")
    {
    }
}
