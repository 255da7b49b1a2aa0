using System.CommandLine;

namespace Outpost.Gdc;

/// <summary><c>gdc read ALIAS…</c>: prints <c>alias=value</c> lines (aliases without a value print nothing).</summary>
internal static class ReadCommand
{
    public static Command Create(GlobalOptions options)
    {
        var aliases = new Argument<string[]>("ALIAS") { Description = "Aliases to read", Arity = ArgumentArity.OneOrMore };
        var command = new Command("read", "Read latest values, printed as alias=value lines") { aliases };
        CommandRunner.SetAction(command, options, async (parse, settings, cancellationToken) =>
        {
            var names = parse.GetValue(aliases) ?? [];
            using var client = settings.CreateClient();
            RequireCik(client.Cik);
            var values = await client.ReadAsync(names, cancellationToken);
            var ordered = names.Distinct(StringComparer.Ordinal).Where(values.ContainsKey).Select(a => new KeyValuePair<string, string>(a, values[a])).ToList();
            if (settings.Json)
            {
                Console.Out.WriteLine(JsonText.Object(ordered));
            }
            else
            {
                foreach (var (alias, value) in ordered)
                {
                    Console.Out.WriteLine($"{alias}={value}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static void RequireCik(string? cik)
    {
        if (cik is null)
        {
            throw new UsageException("no CIK: pass --cik, set GDC_CIK, or put cik = … in --cfg (gdc activate gets one)");
        }
    }
}
