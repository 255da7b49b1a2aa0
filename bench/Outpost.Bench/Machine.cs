using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Outpost.Bench;

/// <summary>Prints what the figures were measured on.</summary>
internal static class Machine
{
    /// <summary>How <c>outpost serve</c> opens its store (Storage/SqliteDatabase.cs), for the cloud-* modes' header.</summary>
    public const string OutpostStore = "outpost serve's store: journal_mode=WAL, synchronous=FULL, one writer with group commit";

    public static void Print(string directory, string sqliteSettings = "journal_mode=WAL, synchronous=FULL, locking_mode=EXCLUSIVE")
    {
        Console.WriteLine($"machine : {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}");
        Console.WriteLine($"runtime : {RuntimeInformation.FrameworkDescription}");
        // Other work on the same cores changes every figure; the load average says whether the machine was quiet.
        if (File.Exists("/proc/loadavg"))
        {
            Console.WriteLine($"load    : {File.ReadAllText("/proc/loadavg").Trim()} (1/5/15-min load average before the run)");
        }

        var drive = new DriveInfo(directory);
        Console.WriteLine($"disk    : {directory} ({drive.DriveFormat}), {drive.AvailableFreeSpace / (1L << 30)} GiB free of {drive.TotalSize / (1L << 30)} GiB");
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "select sqlite_version()";
        Console.WriteLine($"sqlite  : {command.ExecuteScalar()} ({sqliteSettings})");
    }
}
