using System.Text;
using System.Text.Json;
using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Rules;

namespace Outpost.Cloud.Cli;

/// <summary>The management client's calls for rules, alerts and webhook deliveries.</summary>
internal sealed partial class ManagementClient
{
    public async Task<ApiReply<RuleDto>> CreateRuleAsync(string pid, RuleFile rule, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/products/{Seg(pid)}/rules")
        {
            Content = new StringContent(rule.Text, Encoding.UTF8, rule.MediaType),
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

    /// <summary>
    /// Reads a rule file: YAML when it is named .yaml/.yml or does not start with <c>{</c>, else JSON. Checked here so a
    /// syntax error is named locally with its line (and column); a YAML file is sent as YAML, the server converts it.
    /// </summary>
    public static RuleFile ReadRuleFile(string path)
    {
        CliActions.RequireFile(path, "rule file");

        var text = File.ReadAllText(path);
        var extension = Path.GetExtension(path);
        if (extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase)
            || !text.TrimStart().StartsWith('{'))
        {
            if (!RuleYaml.TryToJson(text, out _, out var error))
            {
                throw CliError.Usage($"{path} is not a YAML rule: {error}");
            }

            return new RuleFile(text, RuleYaml.MediaType);
        }

        try
        {
            using var _ = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw CliError.Usage($"{path} is not JSON: line {ex.LineNumber + 1}: {ex.Message.Split(" LineNumber", 2)[0]}");
        }

        return new RuleFile(text, "application/json");
    }
}
