using Outpost.Cloud.Management.Contracts;

namespace Outpost.Cloud.Cli;

/// <summary>The management client's call for the fleet view.</summary>
internal sealed partial class ManagementClient
{
    /// <summary><c>GET /api/v1/products/{pid}/fleet</c> with the query parts already encoded (<c>app=…</c>, <c>tag=…</c>).</summary>
    public Task<ApiReply<FleetDto>> GetFleetAsync(string pid, IEnumerable<string> query, CancellationToken ct) =>
        GetAsync<FleetDto>($"api/v1/products/{Seg(pid)}/fleet{Query(query)}", ct);
}
