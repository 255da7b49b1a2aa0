using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Supervisor.Config;
using Xunit.Abstractions;

namespace Outpost.Gateway.Tests.Supervisor;

/// <summary>A real <see cref="ProcessSupervisor"/> over a temp directory of its own, with a <see cref="StateRecorder"/>.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class SupervisorSandbox : IAsyncDisposable
{
    public SupervisorSandbox(ITestOutputHelper? output = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "outpost-sup-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        Supervisor = new ProcessSupervisor(
            new SupervisorOptions { LogDirectory = Path.Combine(Directory, "logs") },
            TimeProvider.System,
            Log = new TestOutputLogger<ProcessSupervisor>(output));
        Supervisor.StateChanged += Recorder.Record;
    }

    public string Directory { get; }

    public ProcessSupervisor Supervisor { get; }

    /// <summary>The supervisor's log (also written to the test's output when one was given).</summary>
    public TestOutputLogger<ProcessSupervisor> Log { get; }

    public StateRecorder Recorder { get; } = new();

    /// <summary>Writes an executable /bin/sh script and returns its path.</summary>
    public string Script(string name, string body)
    {
        var path = Path.Combine(Directory, name + ".sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Reads a <c>[program:NAME]</c> section written as conf text, failing the test on a config error.</summary>
    public ProgramConfig Program(string name, string body)
    {
        Assert.True(IniDocument.TryParse($"[program:{name}]\n{body}\n", out var doc, out var error), error);
        var result = ProgramConfigReader.Read(doc.Sections[0], ConfContext.ForFile(Path.Combine(Directory, "supervisor.conf")));
        Assert.True(result.Ok, result.Error);
        return result.Config!;
    }

    public async ValueTask DisposeAsync()
    {
        await Supervisor.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling writer; the temp dir is unique, leaving it is harmless.
        }
    }

    /// <summary>Whether <paramref name="pid"/> is a live process (a zombie waiting for init to reap it counts as gone).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="seconds"/> pass (for facts no event reports).</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, double seconds = 5)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(seconds * TimeProvider.System.TimestampFrequency);
        while (!condition())
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }
}
