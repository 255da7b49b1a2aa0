namespace Outpost.Gateway.Engine;

/// <summary><c>[engine] process_manager</c>: what runs the hosted apps.</summary>
internal enum ProcessManagerKind
{
    /// <summary><c>builtin</c> (the default): gwe's own supervisor, no Python needed.</summary>
    Builtin,

    /// <summary><c>supervisord</c>: a real supervisord driven over XML-RPC, as the seed's gateways do.</summary>
    Supervisord,
}
