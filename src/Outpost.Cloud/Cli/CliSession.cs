namespace Outpost.Cloud.Cli;

/// <summary>What one run of an API command works with: the resolved connection, its client, and where to print.</summary>
internal sealed class CliSession(CliConnection connection, Output output) : IDisposable
{
    public CliConnection Connection { get; } = connection;

    public ManagementClient Client { get; } = new(connection);

    public Output Output { get; } = output;

    public void Dispose() => Client.Dispose();
}
