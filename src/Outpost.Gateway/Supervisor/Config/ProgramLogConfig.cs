namespace Outpost.Gateway.Supervisor.Config;

/// <summary>One output stream's log settings: <c>*_logfile</c>, <c>*_logfile_maxbytes</c>, <c>*_logfile_backups</c>.</summary>
/// <param name="Mode">AUTO, NONE or a path.</param>
/// <param name="Path">The path when <paramref name="Mode"/> is <see cref="LogFileMode.File"/>.</param>
/// <param name="MaxBytes">Rotate when the file reaches this size; 0 means never rotate (supervisord's meaning).</param>
/// <param name="Backups">How many rotated files to keep (<c>name.1</c> … <c>name.N</c>); 0 means truncate in place.</param>
internal sealed record ProgramLogConfig(LogFileMode Mode, string? Path, long MaxBytes, int Backups)
{
    /// <summary>supervisord's defaults: AUTO, 50 MB, 10 backups.</summary>
    public static ProgramLogConfig Default { get; } = new(LogFileMode.Auto, null, 50L * 1024 * 1024, 10);
}
