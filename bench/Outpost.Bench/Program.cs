// Outpost load benchmarks: Stopwatch-driven, each figure printed next to a reference measured in the same run.
// Usage: dotnet run -c Release --project bench/Outpost.Bench -- <mode> [--option value …]   (modes: gmq-enqueue, gmq-drain, gmq-http, gmq-drain-cloud, supervisor)
using Outpost.Bench;

var arguments = BenchArguments.Parse(args.Skip(1));
switch (args.FirstOrDefault())
{
    case "gmq-enqueue":
        return await EnqueueBenchmark.RunAsync(arguments);
    case "gmq-drain":
        return await DrainBenchmark.RunAsync(arguments);
    case "supervisor":
        return await SupervisorBenchmark.RunAsync(arguments);
    case "gmq-http":
        return await HttpEnqueueBenchmark.RunAsync(arguments);
    case "gmq-drain-cloud":
        return await CloudDrainBenchmark.RunAsync(arguments);
    default:
        Console.Error.WriteLine("usage: Outpost.Bench gmq-enqueue [--seconds 10] [--writers 8] [--values-per-call 1] [--rounds 2] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench gmq-drain [--backlog 1000000] [--devices 16] [--batch 1000] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench gmq-http [--seconds 5] [--connections 8] [--rounds 2] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench gmq-drain-cloud [--backlog 1000000] [--reference 200000] [--devices 16] [--batch 2000] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench supervisor [--crashes 50] [--programs 20] [--seconds 10] [--settle 3] [--dir PATH]");
        return 2;
}
