using System.Text;
using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Supervisor.Hosting;

namespace Outpost.Gateway.Apps;

/// <summary>
/// Runs an app's <c>install.sh</c> for the install pipeline: in its own directory, with <c>APP_NAME</c>,
/// <c>APP_VERSION</c>, <c>APP_DIR</c> and <c>GWE_HOME</c> set, stdout and stderr captured together (the last 16 KiB,
/// which go to <c>fetch_status</c>), killed with its whole process tree when it runs past the timeout. Started through
/// <c>setsid</c> when the system has it, so the script leads a process group of its own (<see cref="InstallScriptGroup"/>).
/// </summary>
internal sealed class InstallScriptRunner(TimeProvider time)
{
    /// <summary>How much output <c>fetch_status</c> carries.</summary>
    public const int OutputLimit = 16 * 1024;

    private static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>Runs <paramref name="scriptPath"/> and waits for it (or the timeout, or cancellation).</summary>
    public async Task<ScriptOutcome> RunAsync(string scriptPath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // setsid execs the script in place (our child is no group leader, so it does not fork): the pid stays the script's.
        // Spawned as supervised apps are (ChildProcess): with gwe's ignored signals (SIGPIPE, HUP under nohup…) at default.
        ChildProcess script;
        try
        {
            script = ChildProcess.Start(Setsid is null ? [scriptPath] : [Setsid, scriptPath], environment, Path.GetDirectoryName(scriptPath)!);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new ScriptOutcome(null, string.Empty, $"install.sh could not be started: {ex.Message}");
        }

        using (script)
        {
            var output = new TailBuffer(OutputLimit);
            var pumps = Task.WhenAll(PumpAsync(script.Stdout, output), PumpAsync(script.Stderr, output));
            using var limit = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
            int code;
            try
            {
                // Exit and end of output both: the output is complete when this returns.
                await Task.WhenAll(script.Exited, pumps).WaitAsync(linked.Token);
                code = await script.Exited;
            }
            catch (OperationCanceledException)
            {
                // Once the script itself has exited and been reaped, its pid may already be another process's: then only
                // its group (whose id cannot be reused while a member lives) is killed.
                Kill(script.Pid, treeToo: !script.Exited.IsCompleted);
                await script.Exited;
                cancellationToken.ThrowIfCancellationRequested();
                return new ScriptOutcome(null, output.ToString(), $"install.sh did not finish within {timeout.TotalSeconds:0} s and was killed");
            }

            return new ScriptOutcome(code, output.ToString(), code == 0 ? null : $"install.sh exited with code {code}");
        }
    }

    private static void Kill(int pid, bool treeToo)
    {
        // Its process tree (what the script started, even in sessions of their own) and then its group (what was
        // started and orphaned, when setsid made the script the group's leader).
        try
        {
            if (treeToo)
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }

        // Without setsid there is no group of its own: the pid alone, which is only the script's while it runs.
        if (treeToo || Setsid is not null)
        {
            Native.Signal(pid, UnixSignal.Kill, group: Setsid is not null);
        }
    }

    private static async Task PumpAsync(Stream stream, TailBuffer output)
    {
        using var reader = new StreamReader(stream);
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                output.AppendLine(line);
            }
        }
        catch (IOException)
        {
            // The pipe broke: what was read is what there is.
        }
    }

    /// <summary>Keeps the last <c>limit</c> characters of the lines appended to it; thread-safe.</summary>
    private sealed class TailBuffer(int limit)
    {
        private readonly StringBuilder _text = new();

        public void AppendLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_text)
            {
                _text.Append(line).Append('\n');
                if (_text.Length > 2 * limit)
                {
                    _text.Remove(0, _text.Length - limit);
                }
            }
        }

        public override string ToString()
        {
            lock (_text)
            {
                return _text.Length > limit ? _text.ToString(_text.Length - limit, limit) : _text.ToString();
            }
        }
    }
}
