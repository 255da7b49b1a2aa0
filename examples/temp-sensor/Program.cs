using Outpost.Device;

namespace TempSensorApp;

/// <summary>Activates once (the CIK is saved into temp_app.cfg), then reports every 5 minutes, like the seed's app.</summary>
internal static class Program
{
    private const string DefaultConfig = "/usr/local/bin/temp_app.v1/temp_app.cfg";

    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        using var sensor = new TempSensor(args.Length > 0 ? args[0] : DefaultConfig);
        try
        {
            while (!sensor.Activated)
            {
                await sensor.ActivateAsync(stop.Token);
            }

            while (true)
            {
                await sensor.ReportTempAsync(stop.Token);
                await Task.Delay(TimeSpan.FromMinutes(5), TimeProvider.System, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (DeviceApiException ex)
        {
            // Exit non-zero so supervisor restarts the app (and its log says why).
            await Console.Error.WriteLineAsync("temp_app: " + ex.Message);
            return 1;
        }
    }
}
