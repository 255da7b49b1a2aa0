namespace Outpost.Gateway.Supervisor.Supervisord;

/// <summary>A <c>&lt;fault&gt;</c> answer from supervisord: its code (supervisor.xmlrpc.Faults) and text.</summary>
internal sealed class XmlRpcFault : Exception
{
    /// <summary>supervisord's BAD_NAME: no such process or group.</summary>
    public const int BadName = 10;

    /// <summary>ABNORMAL_TERMINATION: the process exited before <c>startsecs</c>.</summary>
    public const int AbnormalTermination = 40;

    /// <summary>SPAWN_ERROR: the process could not be spawned.</summary>
    public const int SpawnError = 50;

    /// <summary>ALREADY_STARTED.</summary>
    public const int AlreadyStarted = 60;

    /// <summary>NOT_RUNNING.</summary>
    public const int NotRunning = 70;

    /// <summary>ALREADY_ADDED: the group is already active.</summary>
    public const int AlreadyAdded = 90;

    /// <summary>STILL_RUNNING: a group cannot be removed while a process in it runs.</summary>
    public const int StillRunning = 91;

    /// <summary>Creates a fault.</summary>
    public XmlRpcFault(int code, string text)
        : base($"supervisord fault {code}: {text}")
    {
        Code = code;
        Text = text;
    }

    /// <summary>Creates a fault without details (for serializers and analyzers).</summary>
    public XmlRpcFault()
        : this(0, string.Empty)
    {
    }

    /// <summary>Creates a fault with a message only.</summary>
    public XmlRpcFault(string message)
        : this(0, message)
    {
    }

    /// <summary>Creates a fault wrapping another exception.</summary>
    public XmlRpcFault(string message, Exception innerException)
        : base(message, innerException)
    {
        Text = message;
    }

    /// <summary>The fault code.</summary>
    public int Code { get; }

    /// <summary>The fault string, e.g. <c>BAD_NAME: nosuch</c>.</summary>
    public string Text { get; } = string.Empty;
}
