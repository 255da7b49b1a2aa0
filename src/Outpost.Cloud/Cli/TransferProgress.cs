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
            return await transfer(new ImmediateProgress(_ => { }));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(totalBytes, 1));
                var result = await transfer(new ImmediateProgress(bytes => task.Value = bytes));
                task.Value = task.MaxValue;
                return result;
            });
    }

}
