using System.CommandLine;
using Outpost.Device;

namespace Outpost.Gdc;

/// <summary>
/// <c>gdc write ALIAS VALUE [ALIAS VALUE…]</c>, and the seed's positional <c>gdc write &lt;cik&gt; &lt;alias&gt; &lt;value&gt;</c>.
/// </summary>
internal static class WriteCommand
{
    public static Command Create(GlobalOptions options)
    {
        var values = new Argument<string[]>("ALIAS VALUE") { Description = "Alias/value pairs, optionally preceded by a CIK", Arity = ArgumentArity.OneOrMore };
        var command = new Command("write", "Write values: gdc write ALIAS VALUE [ALIAS VALUE…] (or gdc write CIK ALIAS VALUE)") { values };
        CommandRunner.SetAction(command, options, async (parse, settings, cancellationToken) =>
        {
            var (cik, pairs) = Split(parse.GetValue(values) ?? []);
            using var client = settings.CreateClient(cik);
            if (client.Cik is null)
            {
                throw new UsageException("no CIK: pass --cik, set GDC_CIK, put cik = … in --cfg, or give it first: gdc write CIK ALIAS VALUE");
            }

            await client.WriteAsync(pairs, cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Splits the arguments into an optional leading CIK and alias/value pairs.</summary>
    public static (string? Cik, Dictionary<string, string> Pairs) Split(IReadOnlyList<string> args)
    {
        var start = 0;
        string? cik = null;
        if (args.Count % 2 == 1)
        {
            if (args.Count < 3 || !DeviceIdentity.IsCik(args[0]))
            {
                throw new UsageException("write takes ALIAS VALUE pairs (or CIK ALIAS VALUE): the last alias has no value");
            }

            cik = args[0];
            start = 1;
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = start; i < args.Count; i += 2)
        {
            if (args[i].Length == 0)
            {
                throw new UsageException("an alias is empty");
            }

            pairs[args[i]] = args[i + 1];
        }

        return (cik, pairs);
    }
}
