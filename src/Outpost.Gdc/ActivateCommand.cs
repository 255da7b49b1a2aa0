using System.CommandLine;
using Outpost.Device;

namespace Outpost.Gdc;

/// <summary><c>gdc activate</c>: get a CIK for vendor/model/serial, print it, and save it into <c>--cfg</c> if given.</summary>
internal static class ActivateCommand
{
    public static Command Create(GlobalOptions options)
    {
        var command = new Command("activate", "Activate the device and print its CIK (saved into --cfg when given)");
        CommandRunner.SetAction(command, options, async (parse, settings, cancellationToken) =>
        {
            if (settings.CfgPath is not null && settings.Identity.Cik is { } existing)
            {
                // Activation succeeds once per serial; a script that runs `gdc activate` on every start must not fail.
                Console.Out.WriteLine(existing);
                return ExitCodes.Ok;
            }

            var model = settings.ProductId ?? throw new UsageException("name the product: --model/--vendor, GDC_MODEL, or model = … in --cfg");
            var serial = settings.Serial ?? throw new UsageException("name the serial: --serial, GDC_SERIAL, or uuid/iface in --cfg");
            using var client = settings.CreateClient();
            var result = await client.ActivateAsync(settings.Vendor ?? model, model, serial, cancellationToken);
            switch (result.Status)
            {
                case ActivationStatus.Activated:
                    if (settings.CfgPath is not null)
                    {
                        var identity = settings.Identity with
                        {
                            Cik = result.Cik,
                            Host = settings.Identity.Host.Length > 0 ? settings.Identity.Host : settings.Host!.ToString().TrimEnd('/'),
                            Model = settings.Identity.Model.Length > 0 ? settings.Identity.Model : model,
                            Vendor = settings.Identity.Vendor.Length > 0 ? settings.Identity.Vendor : settings.Vendor ?? model,
                        };
                        await identity.SaveAsync(settings.CfgPath, cancellationToken);
                    }

                    Console.Out.WriteLine(settings.Json ? JsonText.Object([new("cik", result.Cik!)]) : result.Cik);
                    return ExitCodes.Ok;
                case ActivationStatus.AlreadyActivated:
                    return CommandRunner.Fail($"serial {serial} is already activated (or disabled) in product {model} (409)", ExitCodes.Auth);
                default:
                    return CommandRunner.Fail($"serial {serial} may not activate in product {model}: unknown product or serial (404)", ExitCodes.Auth);
            }
        });
        return command;
    }
}
