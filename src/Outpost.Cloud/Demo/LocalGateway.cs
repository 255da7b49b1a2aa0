using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Outpost.Cloud.Demo;

/// <summary>
/// One real <c>gwe</c> daemon on this machine, in a home directory of its own: the gateway engine as shipped (engine,
/// OTA pipeline, supervisor, GMQ), joined to a product of a running cloud. Used by <c>outpost demo</c> and by the
/// end-to-end rollout tests.
/// </summary>
/// <remarks>
/// 1. <see cref="StartAsync"/> writes <c>Gateway.cfg</c> (product, serial, cloud; 0600 — gwe saves its CIK there) and
///    <c>engine.conf</c>, starts <c>dotnet gateway/gwe.dll run --home HOME</c> and waits for "gwe daemon ready".
/// 2. gwe activates on its own (the serial must be in the product's allowlist), reports and long-polls engine_fetch.
/// 3. <see cref="DisposeAsync"/> sends SIGTERM (gwe stops its apps and GMQ) and waits; kills only what is left.
/// gwe's build output is copied to <c>gateway/</c> beside outpost.dll at build time (Outpost.Cloud.csproj, GweBeside).
/// </remarks>
internal sealed class LocalGateway : IAsyncDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly bool _ownsHome;

    private LocalGateway(Process process, StringBuilder output, string home, string serial, bool ownsHome)
    {
        _process = process;
        _output = output;
        Home = home;
        Serial = serial;
        _ownsHome = ownsHome;
    }

    /// <summary>The built gwe beside this outpost.dll.</summary>
    public static string GweDll => Path.Join(AppContext.BaseDirectory, "gateway", "gwe.dll");

    /// <summary>The dotnet host running this process (gwe runs on the same runtime), else <c>dotnet</c> from PATH.</summary>
    public static string DotnetHost =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";

    public string Home { get; }

    public string Serial { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything gwe printed so far (its log), for messages when something goes wrong.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>gwe's last line of output: why it stopped, when it did.</summary>
    public string LastLine => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    /// <summary>How to run the gwe CLI against this daemon, for people: <c>dotnet …/gwe.dll status --home …</c>.</summary>
    public string CommandLine(string arguments) => $"{DotnetHost} {GweDll} {arguments} --home {Home}";

    /// <summary>Starts a gwe daemon for <paramref name="serial"/> in <paramref name="productId"/> at <paramref name="cloud"/>.</summary>
    /// <param name="home">Its home; null: a new temporary directory, removed on dispose.</param>
    /// <param name="updateInterval">How often it writes engine_report between commands.</param>
    /// <param name="gmqUrl">GMQ's local API; null: a port the OS picks.</param>
    public static async Task<LocalGateway> StartAsync(
        Uri cloud, string productId, string serial, string? home = null, TimeSpan? updateInterval = null, string? gmqUrl = null,
        CancellationToken cancellationToken = default)
    {
        if (!File.Exists(GweDll))
        {
            throw new FileNotFoundException($"gwe is not built beside outpost: {GweDll} is missing (build src/Outpost.Cloud, which builds gwe)", GweDll);
        }

        var ownsHome = home is null;
        // Short path: gwe's control socket lives in the home, and a unix socket path must fit in 108 bytes.
        home ??= Directory.CreateTempSubdirectory("gwe-").FullName;
        Directory.CreateDirectory(home);
        var cfg = Path.Join(home, "Gateway.cfg");
        await File.WriteAllTextAsync(cfg, $"[device]\nvendor = {productId}\nmodel = {productId}\nuuid = {serial}\nhost = {cloud}\n", cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(cfg, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var seconds = (int)Math.Max(1, (updateInterval ?? TimeSpan.FromSeconds(10)).TotalSeconds);
        await File.WriteAllTextAsync(
            Path.Join(home, "engine.conf"),
            string.Create(CultureInfo.InvariantCulture, $"[engine]\nupdate_interval = {seconds}\nact_retry_interval = 1\n[gmq]\nurl = {gmqUrl ?? "http://127.0.0.1:0"}\n"),
            cancellationToken);

        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = home,
        };
        foreach (var argument in new[] { GweDll, "run", "--home", home })
        {
            info.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start gwe");
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (line.Contains("gwe daemon ready", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var gateway = new LocalGateway(process, output, home, serial, ownsHome);
        var exited = process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(StartPatience, cancellationToken));
        if (first != ready.Task)
        {
            var why = process.HasExited ? $"exited with code {process.ExitCode}" : $"was not ready within {StartPatience.TotalSeconds:0} s";
            var last = gateway.LastLine;
            await gateway.DisposeAsync();
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException($"gwe for {serial} {why}" + (last.Length == 0 ? "" : $": {last}"));
        }

        return gateway;
    }

    /// <summary>SIGTERM, as systemd or Ctrl-C would, then waits for gwe to stop its apps and exit; returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            // kill's own output is kept off the terminal: on Ctrl-C gwe (in the same process group) got SIGINT too and
            // may be gone by now, and "kill: (pid): No such process" would be a stray line for the person watching.
            using var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            await Task.WhenAll(signal.StandardOutput.ReadToEndAsync(), signal.StandardError.ReadToEndAsync(), signal.WaitForExitAsync());
            try
            {
                await _process.WaitForExitAsync().WaitAsync(StopPatience);
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        if (_ownsHome)
        {
            try
            {
                Directory.Delete(Home, recursive: true);
            }
            catch (IOException)
            {
                // An app's straggling log writer; the temp directory is unique, leaving it is harmless.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
