using System.CommandLine;
using System.Globalization;
using Outpost.Device;

namespace Outpost.Gdc;

/// <summary><c>gdc record ALIAS TS=VALUE…</c>: timestamped values (TS in epoch seconds).</summary>
internal static class RecordCommand
{
    public static Command Create(GlobalOptions options)
    {
        var alias = new Argument<string>("ALIAS") { Description = "The alias to record into" };
        var points = new Argument<string[]>("TS=VALUE") { Description = "Points: epoch seconds = value", Arity = ArgumentArity.OneOrMore };
        var command = new Command("record", "Record timestamped values: gdc record ALIAS TS=VALUE…") { alias, points };
        CommandRunner.SetAction(command, options, async (parse, settings, cancellationToken) =>
        {
            var parsed = (parse.GetValue(points) ?? []).Select(ParsePoint).ToList();
            using var client = settings.CreateClient();
            ReadCommand.RequireCik(client.Cik);
            await client.RecordAsync(parse.GetValue(alias)!, parsed, cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static RecordPoint ParsePoint(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || !long.TryParse(text.AsSpan(0, eq), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is 0 or > 253402300799)
        {
            throw new UsageException($"'{text}' is not TS=VALUE with TS in epoch seconds");
        }

        return new RecordPoint(DateTimeOffset.FromUnixTimeSeconds(seconds), text[(eq + 1)..]);
    }
}
