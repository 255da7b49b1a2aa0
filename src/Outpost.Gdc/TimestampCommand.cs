using System.CommandLine;
using System.Globalization;

namespace Outpost.Gdc;

/// <summary><c>gdc timestamp</c>: the cloud's clock in epoch seconds.</summary>
internal static class TimestampCommand
{
    public static Command Create(GlobalOptions options)
    {
        var command = new Command("timestamp", "Print the cloud's time (epoch seconds)");
        CommandRunner.SetAction(command, options, async (parse, settings, cancellationToken) =>
        {
            using var client = settings.CreateClient();
            var now = await client.TimestampAsync(cancellationToken);
            var seconds = now.ToUnixTimeSeconds();
            Console.Out.WriteLine(settings.Json
                ? JsonText.Write(w => { w.WriteStartObject(); w.WriteNumber("timestamp", seconds); w.WriteEndObject(); })
                : seconds.ToString(CultureInfo.InvariantCulture));
            return ExitCodes.Ok;
        });
        return command;
    }
}
