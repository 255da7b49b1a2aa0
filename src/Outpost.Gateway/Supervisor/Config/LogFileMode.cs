namespace Outpost.Gateway.Supervisor.Config;

/// <summary>Where a program's stdout or stderr goes, as supervisord's <c>*_logfile</c> values say.</summary>
internal enum LogFileMode
{
    /// <summary><c>AUTO</c> (the default): a file the supervisor names in its log directory.</summary>
    Auto,

    /// <summary><c>NONE</c>: the output is read and discarded, so the program never blocks on a full pipe.</summary>
    None,

    /// <summary>A path given in the file.</summary>
    File,
}
