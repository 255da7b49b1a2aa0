using System.Globalization;
using Outpost.Device;

namespace TempSensorApp;

/// <summary>An example of subclassing <see cref="Device"/>: reports a temperature to the <c>device_temp</c> alias.</summary>
internal sealed class TempSensor(string configPath) : Device("temp_sensor_v1", configPath)
{
    public Task ReportTempAsync(CancellationToken cancellationToken) =>
        WriteAsync("device_temp", Thermometer.Read().ToString("0.0", CultureInfo.InvariantCulture), cancellationToken);
}
