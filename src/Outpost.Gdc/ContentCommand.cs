using System.CommandLine;
using System.Globalization;
using Outpost.Cli;
using Outpost.Device;
using Spectre.Console;

namespace Outpost.Gdc;

/// <summary><c>gdc content list|info|get ID [-o FILE]</c>: the product's content area.</summary>
internal static class ContentCommand
{
    public static Command Create(GlobalOptions options)
    {
        var command = new Command("content", "The product's content area: list, info, get");
        command.Subcommands.Add(List(options));
        command.Subcommands.Add(Info(options));
        command.Subcommands.Add(Get(options));
        return command;
    }

    private static Command List(GlobalOptions options)
    {
        var command = new Command("list", "Print the content ids, one per line");
        CommandRunner.SetAction(command, options, async (parse, settings, cancellationToken) =>
        {
            using var client = settings.CreateClient();
            ReadCommand.RequireCik(client.Cik);
            var ids = await client.ListContentAsync(cancellationToken);
            if (settings.Json)
            {
                Console.Out.WriteLine(JsonText.Write(w =>
                {
                    w.WriteStartArray();
                    foreach (var id in ids)
                    {
                        w.WriteStringValue(id);
                    }

                    w.WriteEndArray();
                }));
            }
            else
            {
                foreach (var id in ids)
                {
                    Console.Out.WriteLine(id);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Info(GlobalOptions options)
    {
        var id = new Argument<string>("ID") { Description = "Content id" };
        var command = new Command("info", "Print a content file's type, size, update time and meta") { id };
        CommandRunner.SetAction(command, options, async (parse, settings, cancellationToken) =>
        {
            using var client = settings.CreateClient();
            ReadCommand.RequireCik(client.Cik);
            var name = parse.GetValue(id)!;
            var info = await client.ContentInfoAsync(name, cancellationToken)
                ?? throw new DeviceApiException(DeviceErrorKind.Rejected, $"no content '{name}'", 404);
            var pairs = new KeyValuePair<string, string>[]
            {
                new("id", info.Id),
                new("content_type", info.ContentType),
                new("size", info.Size.ToString(CultureInfo.InvariantCulture)),
                new("updated", info.Updated.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                new("meta", info.Meta),
            };
            if (settings.Json)
            {
                // Numbers as JSON numbers, so `jq '.size > 1e6'` works (they were strings).
                Console.Out.WriteLine(JsonText.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("id", info.Id);
                    w.WriteString("content_type", info.ContentType);
                    w.WriteNumber("size", info.Size);
                    w.WriteNumber("updated", info.Updated.ToUnixTimeSeconds());
                    w.WriteString("meta", info.Meta);
                    w.WriteEndObject();
                }));
            }
            else
            {
                foreach (var (key, value) in pairs)
                {
                    Console.Out.WriteLine($"{key}={value}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(GlobalOptions options)
    {
        var id = new Argument<string>("ID") { Description = "Content id" };
        var output = new Option<string?>("--output", "-o") { Description = "Where to save it: a file, or a directory to save ./ID into (default: ./ID)" };
        var command = new Command("get", "Download a content file (resumable, sha256-verified); prints the saved path") { id, output };
        CommandRunner.SetAction(command, options, async (parse, settings, cancellationToken) =>
        {
            using var client = settings.CreateClient();
            ReadCommand.RequireCik(client.Cik);
            var name = parse.GetValue(id)!;
            var destination = DownloadDestination.TryResolve(parse.GetValue(output), name, out var destinationError)
                ?? throw new UsageException($"-o {parse.GetValue(output)}: {destinationError}");

            DownloadResult result;
            if (!Console.IsErrorRedirected && !settings.Json)
            {
                // A person is watching: a progress bar on stderr, leaving stdout for the path.
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
                result = await console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask(Markup.Escape(name), autoStart: true, maxValue: 1);
                        var progress = new ProgressRelay<DownloadProgress>(p =>
                        {
                            task.MaxValue = Math.Max(1, p.TotalBytes ?? p.BytesReceived);
                            task.Value = p.BytesReceived;
                        });
                        return await client.DownloadContentAsync(name, destination, progress, cancellationToken);
                    });
            }
            else
            {
                result = await client.DownloadContentAsync(name, destination, null, cancellationToken);
            }

            Console.Out.WriteLine(settings.Json
                ? JsonText.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("path", result.Path);
                    w.WriteNumber("size", result.Size);
                    w.WriteString("sha256", result.Sha256);
                    w.WriteEndObject();
                })
                : result.Path);
            return ExitCodes.Ok;
        });
        return command;
    }
}
