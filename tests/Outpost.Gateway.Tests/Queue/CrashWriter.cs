using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Tests.Queue;

/// <summary>
/// The child process of <see cref="QueueCrashTests"/>: four writers enqueue forever and print each acknowledged id to
/// stdout only after <see cref="MessageQueue.EnqueueAsync"/> completed — the moment GMQ would answer <c>204</c>.
/// </summary>
/// <remarks>
/// It runs from this test assembly itself, started by <c>dotnet</c> with the assembly as its startup hook (see
/// <see cref="StartupHook"/>), so the test needs no second project and no build step.
/// </remarks>
internal static class CrashWriter
{
    /// <summary>Set to the queue directory to make the test assembly run as the crash writer.</summary>
    public const string DirectoryVariable = "OUTPOST_GMQ_CRASH_WRITER_DIR";

    /// <summary>When set, the queue's <c>max_bytes</c>: small enough that most commits also drop the oldest values.</summary>
    public const string MaxBytesVariable = "OUTPOST_GMQ_CRASH_WRITER_MAX_BYTES";

    public static void Run(string directory)
    {
        var options = new QueueOptions { Path = Path.Combine(directory, "gmq.db"), MinFreeDiskPercent = 0 };
        if (Environment.GetEnvironmentVariable(MaxBytesVariable) is { Length: > 0 } maxBytes)
        {
            options = options with { MaxBytes = long.Parse(maxBytes, System.Globalization.CultureInfo.InvariantCulture) };
        }

        var queue = MessageQueue.OpenAsync(options, TimeProvider.System, NullLogger.Instance).GetAwaiter().GetResult();
        var stdout = Console.Out;
        var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (long n = 0; ; n++)
            {
                var values = Enumerable.Range(0, 5)
                    .Select(k => new QueuedValue($"dev{writer}", "a", (n * 5) + k, $"{writer}:{(n * 5) + k}&x=%"))
                    .ToList();
                var result = await queue.EnqueueAsync(values);
                if (!result.IsAccepted)
                {
                    stdout.WriteLine($"refused {result.Error}");
                    continue;
                }

                // One write per call; a line is only trusted by the test when it ends with " .".
                var lines = new StringBuilder();
                for (var i = 0; i < values.Count; i++)
                {
                    lines.Append("ack ").Append(result.MessageIds[i]).Append(' ').Append(values[i].Value).Append(" .\n");
                }

                stdout.Write(lines.ToString());
            }
        })).ToArray();

        // Never reached in the test (it kills the process); a safety net so a lost child cannot run forever.
        Task.WaitAny(writers, TimeSpan.FromMinutes(2));
        Environment.Exit(2);
    }
}
