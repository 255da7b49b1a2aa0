namespace TempSensorApp;

/// <summary>Stands in for the seed's <c>my_BLE_LIB.get_BLE_temp()</c>: a real app reads its sensors here.</summary>
internal static class Thermometer
{
    public static double Read() => 20 + (Random.Shared.NextDouble() * 5);
}
