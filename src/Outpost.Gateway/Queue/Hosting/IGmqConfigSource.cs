namespace Outpost.Gateway.Queue.Hosting;

/// <summary>
/// Where <c>POST /reread</c> gets fresh <c>[gmq]</c> settings: the daemon host registers one that reads its config file.
/// Without one, <c>/reread</c> answers that there is nothing to reload.
/// </summary>
internal interface IGmqConfigSource
{
    /// <summary>Reads the <c>[gmq]</c> section again.</summary>
    Task<GmqOptions> LoadAsync(CancellationToken cancellationToken);
}
