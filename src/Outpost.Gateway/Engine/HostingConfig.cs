namespace Outpost.Gateway.Engine;

/// <summary>The process-manager keys of the <c>[engine]</c> section of <c>&lt;home&gt;/engine.conf</c> (the seed's <c>Engine.config</c>).</summary>
/// <remarks>
/// Adding a setting: a default that works on a fresh gateway, a check in <see cref="EngineConfigReader"/>, a row in
/// <c>docs/gwe.md</c>. The engine's own keys (update interval, …) are <see cref="EngineConfig"/>'s.
/// </remarks>
internal sealed record HostingConfig
{
    /// <summary><c>process_manager</c>: <c>builtin</c> or <c>supervisord</c>.</summary>
    public ProcessManagerKind ProcessManager { get; init; } = ProcessManagerKind.Builtin;

    /// <summary><c>supervisord_socket</c>: supervisord's <c>[unix_http_server] file</c> (Debian's default).</summary>
    public string SupervisordSocket { get; init; } = "/var/run/supervisor.sock";

    /// <summary><c>supervisord_include_dir</c>: the directory supervisord's <c>[include] files</c> reads (Debian's default).</summary>
    public string SupervisordIncludeDir { get; init; } = "/etc/supervisor/conf.d";

    /// <summary>The defaults (no <c>engine.conf</c>).</summary>
    public static HostingConfig Default { get; } = new();
}
