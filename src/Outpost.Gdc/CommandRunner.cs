using System.CommandLine;
using Outpost.Device;

namespace Outpost.Gdc;

/// <summary>Runs a command's action with resolved settings and turns failures into gdc's exit codes and one stderr line.</summary>
internal static class CommandRunner
{
    public static void SetAction(Command command, GlobalOptions options, Func<ParseResult, GdcSettings, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var settings = await GdcSettings.ResolveAsync(parse, options, cancellationToken);
                return await action(parse, settings, cancellationToken);
            }
            catch (UsageException ex)
            {
                return Fail(ex.Message, ExitCodes.Usage);
            }
            catch (DeviceApiException ex)
            {
                return Fail(ex.Message, ex.Kind switch
                {
                    DeviceErrorKind.Unauthorized => ExitCodes.Auth,
                    DeviceErrorKind.Rejected => ExitCodes.Usage,
                    _ => ExitCodes.Network,
                });
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
            catch (IOException ex)
            {
                return Fail(ex.Message, ExitCodes.Usage);
            }
            catch (UnauthorizedAccessException ex)
            {
                return Fail(ex.Message, ExitCodes.Usage);
            }
        });
    }

    public static int Fail(string message, int exitCode)
    {
        Console.Error.WriteLine("gdc: " + message);
        return exitCode;
    }
}
