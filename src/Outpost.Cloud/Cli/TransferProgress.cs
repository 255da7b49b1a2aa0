using Spectre.Console;

namespace Outpost.Cloud.Cli;

/// <summary>
/// A progress bar for uploads and downloads, drawn on stderr so stdout stays clean for the result. Only on a
/// terminal: when stderr is redirected (scripts, CI logs) the transfer runs silently.
/// </summary>
internal static class TransferProgress
{
    public static async Task<T> RunAsync<T>(string description, long totalBytes, Func<IProgress<long>, Task<T>> transfer)
    {
        if (Console.IsErrorRedirected)
        {
            return await transfer(new Progress<long>(_ => { }));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(totalBytes, 1));
                var result = await transfer(new SynchronousProgress(bytes => task.Value = bytes));
                task.Value = task.MaxValue;
                return result;
            });
    }

    /// <summary>Reports on the caller's thread: <see cref="Progress{T}"/> would post to the thread pool and lag behind.</summary>
    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
