using System.Text;
using System.Text.Json;
using Outpost.Cloud.Management.Contracts;

namespace Outpost.Cloud.Cli;

/// <summary>The management client's calls for rules, alerts and webhook deliveries.</summary>
internal sealed partial class ManagementClient
{
    public async Task<ApiReply<RuleDto>> CreateRuleAsync(string pid, string definitionJson, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/products/{Seg(pid)}/rules")
        {
            Content = new StringContent(definitionJson, Encoding.UTF8, "application/json"),
        };
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return await ReadReplyAsync<RuleDto>(response, ct);
    }

    public Task<ApiReply<List<RuleDto>>> ListRulesAsync(string pid, CancellationToken ct) => GetAsync<List<RuleDto>>($"api/v1/products/{Seg(pid)}/rules", ct);

    public Task<ApiReply<RuleDto>> GetRuleAsync(string id, CancellationToken ct) => GetAsync<RuleDto>($"api/v1/rules/{Seg(id)}", ct);

    public Task<ApiReply<RuleDto>> SetRuleEnabledAsync(string id, bool enabled, CancellationToken ct) =>
        SendAsync<RuleDto>(HttpMethod.Post, $"api/v1/rules/{Seg(id)}/{(enabled ? "enable" : "disable")}", null, ct);

    public Task DeleteRuleAsync(string id, CancellationToken ct) => SendAsync(HttpMethod.Delete, $"api/v1/rules/{Seg(id)}", ct);

    public Task<ApiReply<List<AlertDto>>> ListAlertsAsync(string pid, string? state, CancellationToken ct) =>
        GetAsync<List<AlertDto>>($"api/v1/products/{Seg(pid)}/alerts" + (state is null ? string.Empty : "?state=" + Uri.EscapeDataString(state)), ct);

    public Task<ApiReply<AlertDto>> AcknowledgeAlertAsync(string id, CancellationToken ct) =>
        SendAsync<AlertDto>(HttpMethod.Post, $"api/v1/alerts/{Seg(id)}/ack", null, ct);

    public Task<ApiReply<List<DeliveryDto>>> ListDeliveriesAsync(string pid, string? state, CancellationToken ct) =>
        GetAsync<List<DeliveryDto>>($"api/v1/products/{Seg(pid)}/webhook-deliveries" + (state is null ? string.Empty : "?state=" + Uri.EscapeDataString(state)), ct);

    public Task<ApiReply<DeliveryDto>> RetryDeliveryAsync(string id, CancellationToken ct) =>
        SendAsync<DeliveryDto>(HttpMethod.Post, $"api/v1/webhook-deliveries/{Seg(id)}/retry", null, ct);

    /// <summary>Checks a rule file is JSON before sending it, so a typo is named locally with its line.</summary>
    public static string ReadRuleFile(string path)
    {
        if (!File.Exists(path))
        {
            throw CliError.Usage($"rule file {path} does not exist");
        }

        var text = File.ReadAllText(path);
        try
        {
            using var _ = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw CliError.Usage($"{path} is not JSON: line {ex.LineNumber + 1}: {ex.Message.Split(" LineNumber", 2)[0]}");
        }

        return text;
    }
}
