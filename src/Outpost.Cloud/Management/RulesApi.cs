using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Outpost.Cloud.Alerts;
using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Registry;
using Outpost.Cloud.Rules;
using Outpost.Cloud.Webhooks;

namespace Outpost.Cloud.Management;

/// <summary>
/// Real-time rules of a product (create, list, show, enable, disable, delete), the alerts they open (list, show,
/// acknowledge) and their webhook deliveries (list, including dead letters; retry).
/// </summary>
internal static class RulesApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/products/{pid}/rules").WithTags("Rules");
        rules.MapPost("/", CreateAsync).WithName("CreateRule").Produces<RuleDto>(201).Accepts<JsonElement>("application/json", RuleYaml.MediaType)
            .WithSummary("Create a rule from its JSON (or YAML) definition; a bad field is a 400 naming it").Require(TokenRole.Operator);
        rules.MapGet("/", ListAsync).WithName("ListRules").Produces<List<RuleDto>>().WithSummary("List a product's rules with how many devices each fires for").Require(TokenRole.Viewer);

        var byId = api.MapGroup("/rules").WithTags("Rules");
        byId.MapGet("/{id}", GetAsync).WithName("GetRule").Produces<RuleDto>().WithSummary("Show a rule").Require(TokenRole.Viewer);
        byId.MapPost("/{id}/enable", EnableAsync)
            .WithName("EnableRule").Produces<RuleDto>().WithSummary("Enable a rule (refused when an alias it uses was removed since)").Require(TokenRole.Operator);
        byId.MapPost("/{id}/disable", (string id, IRuleStore store, RuleEngine engine, TimeProvider clock, CancellationToken ct) => SetEnabledAsync(id, false, store, engine, clock, ct))
            .WithName("DisableRule").Produces<RuleDto>().WithSummary("Disable a rule: it stops, its open alerts are cleared").Require(TokenRole.Operator);
        byId.MapDelete("/{id}", DeleteAsync).WithName("DeleteRule").Produces(204).WithSummary("Delete a rule; its open alerts are cleared").Require(TokenRole.Operator);

        api.MapGet("/products/{pid}/alerts", ListAlertsAsync).WithTags("Alerts").WithName("ListAlerts").Produces<List<AlertDto>>()
            .WithSummary("Alerts, newest first; state=open|acknowledged|cleared filters").Require(TokenRole.Viewer);
        api.MapGet("/alerts/{id}", async (string id, IRuleStore store, CancellationToken ct) =>
                await store.GetAlertAsync(id, ct) is { } alert ? Results.Ok(ToDto(alert)) : Problems.NotFound($"no alert {id}"))
            .WithTags("Alerts").WithName("GetAlert").Produces<AlertDto>().WithSummary("Show an alert").Require(TokenRole.Viewer);
        api.MapPost("/alerts/{id}/ack", AcknowledgeAsync).WithTags("Alerts").WithName("AcknowledgeAlert").Produces<AlertDto>()
            .WithSummary("Acknowledge an open alert").Require(TokenRole.Operator);

        api.MapGet("/products/{pid}/webhook-deliveries", ListDeliveriesAsync).WithTags("Rules").WithName("ListWebhookDeliveries").Produces<List<DeliveryDto>>()
            .WithSummary("Webhook deliveries, newest first; state=pending|delivered|dead (dead letters)").Require(TokenRole.Viewer);
        api.MapPost("/webhook-deliveries/{id}/retry", RetryAsync).WithTags("Rules").WithName("RetryWebhookDelivery").Produces<DeliveryDto>()
            .WithSummary("Send a dead-lettered delivery again, with a fresh set of attempts").Require(TokenRole.Operator);
    }

    private static async Task<IResult> CreateAsync(string pid, HttpRequest request, IRegistryStore registry, IRuleStore store, RuleSecrets secrets,
        RuleEngine engine, TimeProvider clock, CancellationToken ct)
    {
        var product = await registry.GetProductAsync(pid, ct);
        if (product is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        var (document, refusal) = await ReadDefinitionAsync(request, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        using var _ = document;
        if (document!.RootElement is not { ValueKind: JsonValueKind.Object } definition)
        {
            return Problems.BadRequest("send the rule as a JSON object, e.g. {\"name\": …, \"alias\": …, \"op\": …, \"value\": …, \"actions\": […]}");
        }

        if (!RuleParser.TryParse(definition, SettableByAlias(product), out var rule, out var error))
        {
            return Problems.BadRequest(error);
        }

        var enabled = true;
        if (definition.TryGetProperty("enabled", out var enabledJson) && enabledJson.ValueKind is not JsonValueKind.Null)
        {
            if (enabledJson.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return Problems.BadRequest("enabled: must be true or false");
            }

            enabled = enabledJson.GetBoolean();
        }

        // The store keeps milliseconds: the answer shows the times every later read shows.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var stored = new StoredRule("ru_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), pid, rule!.Name, secrets.ForStorage(definition), enabled, now, now);
        if (!await store.AddRuleAsync(stored, ct))
        {
            return Problems.Conflict($"product {pid} already has a rule named {rule.Name}");
        }

        engine.Invalidate();
        return Results.Created($"/api/v1/rules/{stored.Id}", ToDto(stored, 0));
    }

    /// <summary>The rule as JSON, or as YAML (<c>application/yaml</c>) turned into the same JSON so the one parser checks it.</summary>
    private static async Task<(JsonDocument? Document, IResult? Refusal)> ReadDefinitionAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            if (RuleYaml.IsYamlMediaType(request.ContentType))
            {
                using var reader = new StreamReader(request.Body, Encoding.UTF8);
                return RuleYaml.TryToJson(await reader.ReadToEndAsync(ct), out var json, out var error)
                    ? (JsonDocument.Parse(json), null)
                    : (null, Problems.BadRequest("YAML body: " + error));
            }

            if (!request.HasJsonContentType())
            {
                return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "unsupported content type: send application/json or application/yaml"));
            }

            return (await JsonDocument.ParseAsync(request.Body, default, ct), null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest($"the body is not JSON: line {ex.LineNumber + 1}: {ex.Message.Split(" LineNumber", 2)[0]}"));
        }
        catch (BadHttpRequestException ex)
        {
            return (null, Problems.Status(ex.StatusCode, "reading the body failed: " + ex.Message));
        }
    }

    private static async Task<IResult> ListAsync(string pid, IRegistryStore registry, IRuleStore store, CancellationToken ct)
    {
        if (await registry.GetProductAsync(pid, ct) is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        var firing = await store.CountFiringAsync(pid, ct);
        return Results.Ok((await store.ListRulesAsync(pid, ct)).Select(r => ToDto(r, firing.GetValueOrDefault(r.Id))).ToList());
    }

    private static async Task<IResult> GetAsync(string id, IRuleStore store, CancellationToken ct)
    {
        var rule = await store.GetRuleAsync(id, ct);
        return rule is null ? Problems.NotFound($"no rule {id}") : Results.Ok(ToDto(rule, (await store.CountFiringAsync(rule.ProductId, ct)).GetValueOrDefault(id)));
    }

    /// <summary>
    /// Enabling checks the rule against the product's aliases again, as creating it did: a disabled rule does not hold its
    /// aliases (see <c>ProductsApi.RemoveAliasAsync</c>), so one may have been removed since.
    /// </summary>
    private static async Task<IResult> EnableAsync(string id, IRegistryStore registry, IRuleStore store, RuleSecrets secrets, RuleEngine engine, TimeProvider clock,
        CancellationToken ct)
    {
        if (await store.GetRuleAsync(id, ct) is not { } stored)
        {
            return Problems.NotFound($"no rule {id}");
        }

        var product = await registry.GetProductAsync(stored.ProductId, ct);
        if (product is not null && !RuleParser.TryParse(secrets.Reveal(stored.Definition), SettableByAlias(product), out _, out var error))
        {
            return Problems.Conflict($"rule {stored.Name} no longer fits product {stored.ProductId}: {error}; delete it and create it again");
        }

        return await SetEnabledAsync(id, true, store, engine, clock, ct);
    }

    /// <summary>What the rule parser checks alias names against: the product's aliases and whether each is settable.</summary>
    private static Dictionary<string, bool> SettableByAlias(Product product) =>
        product.Resources.ToDictionary(r => r.Alias, r => r.Settable, StringComparer.Ordinal);

    private static async Task<IResult> SetEnabledAsync(string id, bool enabled, IRuleStore store, RuleEngine engine, TimeProvider clock, CancellationToken ct)
    {
        if (!await store.SetEnabledAsync(id, enabled, clock.GetUtcNow(), ct))
        {
            return Problems.NotFound($"no rule {id}");
        }

        engine.Invalidate();
        return await GetAsync(id, store, ct);
    }

    private static async Task<IResult> DeleteAsync(string id, IRuleStore store, RuleEngine engine, TimeProvider clock, CancellationToken ct)
    {
        if (!await store.DeleteRuleAsync(id, clock.GetUtcNow(), ct))
        {
            return Problems.NotFound($"no rule {id}");
        }

        engine.Invalidate();
        return Results.NoContent();
    }

    private static async Task<IResult> ListAlertsAsync(string pid, string? state, string? limit, IRegistryStore registry, IRuleStore store, CancellationToken ct)
    {
        if (await registry.GetProductAsync(pid, ct) is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        if (state is not null && !AlertStates.All.Contains(state))
        {
            return Problems.BadRequest($"state must be open, acknowledged or cleared, not '{state}'");
        }

        if (!TryLimit(limit, out var max))
        {
            return Problems.BadRequest("limit must be 1-100000");
        }

        return Results.Ok((await store.ListAlertsAsync(pid, state, max, ct)).Select(ToDto).ToList());
    }

    private static async Task<IResult> AcknowledgeAsync(HttpContext context, string id, IRuleStore store, TimeProvider clock, CancellationToken ct)
    {
        // Decided by the store's one conditional update, not by a read before it: an alert that resolves (or another
        // operator acknowledges) in between is a 409 naming what it is now, never a 200 for an acknowledgement not made.
        var by = context.Items[TokenAuthFilter.CallerItem] is ApiToken token ? $"{token.Name} ({token.Id})" : "unknown";
        if (await store.AcknowledgeAsync(id, by, clock.GetUtcNow(), ct) is { } acknowledged)
        {
            return Results.Ok(ToDto(acknowledged));
        }

        return await store.GetAlertAsync(id, ct) is { } current
            ? Problems.Conflict($"alert {id} is {current.State}, not open")
            : Problems.NotFound($"no alert {id}");
    }

    private static async Task<IResult> ListDeliveriesAsync(string pid, string? state, string? limit, IRegistryStore registry, IRuleStore store, CancellationToken ct)
    {
        if (await registry.GetProductAsync(pid, ct) is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        if (state is not null && !DeliveryStates.All.Contains(state))
        {
            return Problems.BadRequest($"state must be pending, delivered or dead, not '{state}'");
        }

        if (!TryLimit(limit, out var max))
        {
            return Problems.BadRequest("limit must be 1-100000");
        }

        return Results.Ok((await store.ListDeliveriesAsync(pid, state, max, ct)).Select(ToDto).ToList());
    }

    private static async Task<IResult> RetryAsync(string id, IRuleStore store, DeliverySignal signal, TimeProvider clock, CancellationToken ct)
    {
        var delivery = await store.GetDeliveryAsync(id, ct);
        if (delivery is null)
        {
            return Problems.NotFound($"no webhook delivery {id}");
        }

        if (delivery.State != DeliveryStates.Dead)
        {
            return Problems.Conflict($"webhook delivery {id} is {delivery.State}; only a dead one is retried by hand");
        }

        var now = clock.GetUtcNow();
        await store.RecordAttemptAsync(id, 0, DeliveryStates.Pending, now, delivery.LastError, now, ct);
        signal.Signal();
        return Results.Ok(ToDto((await store.GetDeliveryAsync(id, ct))!));
    }

    private static bool TryLimit(string? text, out int limit)
    {
        limit = 1000;
        return text is null || (int.TryParse(text, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= 100_000);
    }

    private static RuleDto ToDto(StoredRule r, int firing) =>
        new(r.Id, r.ProductId, r.Name, r.Enabled, firing, RuleSecrets.Mask(r.Definition), r.Created, r.Updated);

    private static AlertDto ToDto(Alert a) =>
        new(a.Id, a.ProductId, a.RuleId, a.RuleName, a.Serial, a.Severity, a.State, a.Message, a.Value, a.Opened, a.Cleared, a.Acknowledged, a.AcknowledgedBy);

    private static DeliveryDto ToDto(WebhookDelivery d) =>
        new(d.Id, d.ProductId, d.RuleId, d.EventType, d.Url.ToString(), d.State, d.Attempts, d.MaxAttempts, d.NextAttempt, d.LastError, d.Body, d.Created, d.Updated);
}
