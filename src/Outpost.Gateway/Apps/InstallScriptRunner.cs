using System.Diagnostics;
using System.Text;

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
        var start = new ProcessStartInfo(Setsid ?? scriptPath)
        {
            WorkingDirectory = Path.GetDirectoryName(scriptPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (Setsid is not null)
        {
            start.ArgumentList.Add(scriptPath);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var output = new TailBuffer(OutputLimit);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
        process.ErrorDataReceived += (_, e) => output.AppendLine(e.Data);
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new ScriptOutcome(null, string.Empty, $"install.sh could not be started: {ex.Message}");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            return new ScriptOutcome(null, output.ToString(), $"install.sh did not finish within {timeout.TotalSeconds:0} s and was killed");
        }

        // WaitForExitAsync returns after the redirected streams reached EOF, so the output is complete here.
        var code = process.ExitCode;
        return new ScriptOutcome(code, output.ToString(), code == 0 ? null : $"install.sh exited with code {code}");
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
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
