// Outpost load benchmarks: Stopwatch-driven, each figure printed next to a reference measured in the same run.
// Usage: dotnet run -c Release --project bench/Outpost.Bench -- <mode> [--option value …]
//   modes: gmq-enqueue, gmq-drain, gmq-http, gmq-drain-cloud, supervisor, cloud-writes, cloud-batch, cloud-longpoll, cloud-rules,
//          cloud-store, cloud-fleet, rollout-wave, trivial-204 (the cloud modes' reference), gmq-serve (gmq-http's server child)
using Outpost.Bench;
using Outpost.Bench.Servers;

#if DEBUG
Console.Error.WriteLine("warning: Debug build; run with -c Release for meaningful figures");
#endif

// The load generator runs socket continuations on the epoll thread instead of hopping to the thread pool: the
// cheapest way for .NET to drive many connections, closest to wrk. Only this process; the servers get defaults.
if (args.FirstOrDefault() is { } mode && (mode.StartsWith("cloud-", StringComparison.Ordinal) || mode == "gmq-http")
    && Environment.GetEnvironmentVariable("OUTPOST_BENCH_POOL_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable(ServerLaunchers.InlineCompletions, "1");
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

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
        return await HttpEnqueueBenchmark.RunAsync(arguments, stop.Token);
    case "gmq-serve":
        return await GmqServer.RunAsync(arguments);
    case "gmq-drain-cloud":
        return await CloudDrainBenchmark.RunAsync(arguments);
    case "cloud-writes":
        return await CloudWritesBenchmark.RunAsync(arguments, stop.Token);
    case "cloud-batch":
        return await CloudBatchBenchmark.RunAsync(arguments, stop.Token);
    case "cloud-longpoll":
        return await CloudLongPollBenchmark.RunAsync(arguments, stop.Token);
    case "cloud-rules":
        return await CloudRulesBenchmark.RunAsync(arguments, stop.Token);
    case "cloud-fleet":
        return await CloudFleetBenchmark.RunAsync(arguments, stop.Token);
    case "rollout-wave":
        return await RolloutWaveBenchmark.RunAsync(arguments, stop.Token);
    case "cloud-store":
        return await CloudStoreBenchmark.RunAsync(arguments, stop.Token);
    case "trivial-204":
        return await TrivialEndpoint.RunAsync(arguments);
    default:
        Console.Error.WriteLine("usage: Outpost.Bench gmq-enqueue [--seconds 10] [--writers 8] [--values-per-call 1] [--rounds 2] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench gmq-drain [--backlog 1000000] [--devices 16] [--batch 1000] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench gmq-http [--seconds 5] [--warmup 3] [--connections 8] [--rounds 2] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench gmq-drain-cloud [--backlog 1000000] [--reference 200000] [--devices 16] [--batch 2000] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench supervisor [--crashes 50] [--programs 20] [--seconds 10] [--settle 3] [--gwe-aot PATH | --no-aot] [--compare-aot PATH [--compare-env VAR=VALUE;...]] [--rss-only] [--rounds 1] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench cloud-writes [--connections 64] [--seconds 20] [--warmup 5] [--rounds 1] [--no-wrk] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench cloud-batch [--connections 8] [--batch 1000] [--endpoints batch,record] [--no-references] [--seconds 20] [--warmup 5] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench cloud-longpoll [--devices 10000] [--samples 1000] [--parallel 4] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench cloud-rules [--devices 10000] [--rules 1000] [--connections 64] [--seconds 20] [--warmup 5] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench cloud-fleet [--gateways 10000] [--requests 10] [--rounds 1] [--compare PATH/outpost.dll] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench rollout-wave [--devices 10000] [--report-interval 30] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench cloud-store [--group 64] [--points 1] [--ids] [--devices 64] [--seconds 10] [--rounds 2] [--dir PATH]");
        Console.Error.WriteLine("       Outpost.Bench trivial-204 [--urls http://127.0.0.1:8099]");
        return 2;
}
