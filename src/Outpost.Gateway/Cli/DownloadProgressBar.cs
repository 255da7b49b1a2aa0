using Outpost.Device;
using Spectre.Console;

namespace Outpost.Gateway.Cli;

/// <summary>
/// A download's progress bar on stderr (stdout stays clean for the saved path), for a person watching
/// <c>gwe --download-latest</c>. Reports on the caller's thread: <c>Progress&lt;T&gt;</c> posts to the thread pool and
/// may reorder the updates.
/// </summary>
internal sealed class DownloadProgressBar(ProgressTask task) : IProgress<DownloadProgress>
{
    /// <summary>Runs <paramref name="download"/> under a bar named <paramref name="name"/>.</summary>
    public static Task<T> RunAsync<T>(string name, Func<IProgress<DownloadProgress>, Task<T>> download)
    {
        ArgumentNullException.ThrowIfNull(download);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(context => download(new DownloadProgressBar(context.AddTask(Markup.Escape(name), autoStart: true, maxValue: 1))));
    }

    /// <inheritdoc />
    public void Report(DownloadProgress value)
    {
        task.MaxValue = Math.Max(1, value.TotalBytes ?? value.BytesReceived);
        task.Value = value.BytesReceived;
    }
}
