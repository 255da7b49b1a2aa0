using Outpost.Gateway.Engine;
using Outpost.Gateway.Queue.Hosting;

namespace Outpost.Gateway.Daemon;

/// <summary>GMQ's <c>POST /reread</c> source: the <c>[gmq]</c> section of the daemon's <c>engine.conf</c>, read again.</summary>
/// <remarks>
/// The cloud URL and queue file stay those the daemon started with; GmqSettings reports them as needing a restart anyway.
/// A url given on the command line (<c>gwe run --gmq-url</c>) stays too: the file's is not the one in force.
/// </remarks>
internal sealed class GmqConfigSource(GweHome home, GmqOptions started, string? urlOverride) : IGmqConfigSource
{
    /// <inheritdoc />
    public Task<GmqOptions> LoadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = GmqConfigReader.ReadFile(home.EngineConf, started.CloudUrl, started.QueuePath, out var error)
            ?? throw new InvalidDataException(error);
        return Task.FromResult(urlOverride is null ? options : options with { Url = urlOverride });
    }
}
