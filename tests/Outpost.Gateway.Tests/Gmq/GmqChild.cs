using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Gateway.Queue.Hosting;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>
/// GMQ as a real process for <see cref="GmqCrashTests"/>: the test assembly started by <c>dotnet</c> with itself as
/// startup hook (see <c>StartupHook</c>) and <see cref="Variable"/> set to <c>url|cloud url|queue directory</c>. It
/// hosts GMQ through <see cref="GmqServices.AddGmq"/>, prints <c>listening</c>, and runs until killed.
/// </summary>
internal static class GmqChild
{
    public const string Variable = "OUTPOST_GMQ_CHILD";

    public static void Run(string spec)
    {
        var parts = spec.Split('|');
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddGmq(GmqInstance.Options(new Uri(parts[1]), parts[2], o => o with { Url = parts[0] }));
        using var host = builder.Build();
        host.Start();
        Console.Out.WriteLine("listening");
        Console.Out.Flush();

        // Never reached in the test (it kills the process); a safety net so a lost child cannot run forever.
        Thread.Sleep(TimeSpan.FromMinutes(3));
        Environment.Exit(2);
    }
}
