using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Outpost.Cloud.Management.Contracts;

namespace Outpost.Cloud.Cli;

/// <summary>
/// <c>outpost rule …</c> (real-time rules: create from a JSON or YAML file, list, show, enable, disable, delete, webhook
/// deliveries) and <c>outpost alert …</c> (list, ack).
/// </summary>
internal static class RuleCommands
{
    public static Command Create() => CliActions.Group("rule", "Real-time rules on device values: alerts, writes, webhooks",
        CreateCommand(), ListCommand(), ShowCommand(), ToggleCommand("enable", true), ToggleCommand("disable", false), DeleteCommand(),
        DeliveriesCommand(), RetryCommand());

    public static Command CreateAlerts() => CliActions.Group("alert", "Alerts opened by rules", AlertListCommand(), AckCommand());

    private static Command CreateCommand()
    {
        var pid = new Argument<string>("PID") { Description = "The product" };
        var file = new Option<FileInfo>("--file", "-f") { Description = "The rule as JSON or YAML (.yaml/.yml; see docs/rules.md)", Required = true };
        var command = new Command("create", "Create a rule from a JSON or YAML file") { pid, file };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var rule = ManagementClient.ReadRuleFile(parse.GetValue(file)!.FullName);
            var reply = await session.Client.CreateRuleAsync(parse.GetValue(pid)!, rule, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            await Console.Error.WriteLineAsync($"created rule {reply.Value.Name} ({(reply.Value.Enabled ? "enabled" : "disabled")})");
            session.Output.Line(reply.Value.Id);
        });
        return command;
    }

    private static Command ListCommand()
    {
        var pid = new Argument<string>("PID") { Description = "The product" };
        var command = new Command("list", "List a product's rules") { pid };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.ListRulesAsync(parse.GetValue(pid)!, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            session.Output.Table(["ID", "NAME", "ENABLED", "WHEN", "ACTIONS", "FIRING"],
                reply.Value.Select(r => new[]
                {
                    r.Id, r.Name, r.Enabled ? "yes" : "no", Summary(r.Definition), Actions(r.Definition), r.Firing.ToString(CultureInfo.InvariantCulture),
                }));
        });
        return command;
    }

    private static Command ShowCommand()
    {
        var id = new Argument<string>("ID") { Description = "The rule (ru_…)" };
        var command = new Command("show", "Show a rule and its definition") { id };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.GetRuleAsync(parse.GetValue(id)!, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            var r = reply.Value;
            session.Output.Fields(
            [
                ("rule", $"{r.Name} ({r.Id})"), ("product", r.ProductId), ("enabled", r.Enabled ? "yes" : "no"), ("when", Summary(r.Definition)),
                ("actions", Actions(r.Definition)), ("firing for", $"{r.Firing} device(s)"), ("created", Output.Time(r.Created)), ("updated", Output.Time(r.Updated)),
            ]);
            session.Output.Line(JsonSerializer.Serialize(r.Definition, Indented));
        });
        return command;
    }

    private static Command ToggleCommand(string verb, bool enabled)
    {
        var id = new Argument<string>("ID") { Description = "The rule (ru_…)" };
        var command = new Command(verb, enabled ? "Enable a rule" : "Disable a rule (its open alerts are cleared)") { id };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.SetRuleEnabledAsync(parse.GetValue(id)!, enabled, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            session.Output.Line($"{reply.Value.Id}: {(reply.Value.Enabled ? "enabled" : "disabled")}");
        });
        return command;
    }

    private static Command DeleteCommand()
    {
        var id = new Argument<string>("ID") { Description = "The rule (ru_…)" };
        var command = new Command("delete", "Delete a rule (its open alerts are cleared)") { id };
        command.SetApiAction(async (parse, session, ct) =>
        {
            await session.Client.DeleteRuleAsync(parse.GetValue(id)!, ct);
            if (!session.Output.Json)
            {
                session.Output.Line($"deleted {parse.GetValue(id)}");
            }
        });
        return command;
    }

    private static Command DeliveriesCommand()
    {
        var pid = new Argument<string>("PID") { Description = "The product" };
        var state = new Option<string>("--state") { Description = "pending, delivered or dead (dead letters)" }.OneOf("pending", "delivered", "dead");
        var command = new Command("deliveries", "List webhook deliveries, newest first") { pid, state };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.ListDeliveriesAsync(parse.GetValue(pid)!, parse.GetValue(state), ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            session.Output.Table(["ID", "TYPE", "URL", "STATE", "ATTEMPTS", "LAST ERROR", "CREATED"],
                reply.Value.Select(d => new[]
                {
                    d.Id, d.Type, d.Url, d.State, $"{d.Attempts}/{d.MaxAttempts}", d.LastError, Output.Time(d.Created),
                }));
        });
        return command;
    }

    private static Command RetryCommand()
    {
        var id = new Argument<string>("ID") { Description = "A dead webhook delivery (wh_…)" };
        var command = new Command("retry-delivery", "Send a dead-lettered webhook delivery again") { id };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.RetryDeliveryAsync(parse.GetValue(id)!, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            session.Output.Line($"{reply.Value.Id}: {reply.Value.State}");
        });
        return command;
    }

    private static Command AlertListCommand()
    {
        var pid = new Argument<string>("PID") { Description = "The product" };
        var state = new Option<string>("--state") { Description = "open, acknowledged or cleared" }.OneOf("open", "acknowledged", "cleared");
        var command = new Command("list", "List alerts, newest first") { pid, state };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.ListAlertsAsync(parse.GetValue(pid)!, parse.GetValue(state), ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            session.Output.Table(["ID", "STATE", "SEVERITY", "DEVICE", "RULE", "MESSAGE", "OPENED", "CLEARED"],
                reply.Value.Select(a => new[]
                {
                    a.Id, a.State, a.Severity, a.Serial, a.Rule, a.Message, Output.Time(a.Opened), Output.Time(a.Cleared),
                }));
        });
        return command;
    }

    private static Command AckCommand()
    {
        var id = new Argument<string>("ID") { Description = "The alert (al_…)" };
        var command = new Command("ack", "Acknowledge an open alert") { id };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.AcknowledgeAlertAsync(parse.GetValue(id)!, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            session.Output.Line($"{reply.Value.Id}: {reply.Value.State}");
        });
        return command;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>"usage_report $.disk_pct > 90 (clear < 80)", "avg 5m of temp > 30", "absent 3 × update_interval".</summary>
    private static string Summary(JsonElement d)
    {
        static string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.String ? v.GetString()!
            // {"alias": "pending"}: the device's latest value of that other alias, said so rather than shown as JSON.
            : v.ValueKind == JsonValueKind.Object && v.TryGetProperty("alias", out var other) && other.ValueKind == JsonValueKind.String ? $"latest {other.GetString()}"
            : v.GetRawText()
            : string.Empty;

        if (d.TryGetProperty("absence", out var absence) && absence.ValueKind == JsonValueKind.Object)
        {
            var n = Text(absence, "intervals");
            return $"not seen for {(n.Length == 0 ? "3" : n)} × update_interval";
        }

        var subject = Text(d, "alias") + (Text(d, "path") is { Length: > 0 } p ? " " + p : string.Empty);
        if (d.TryGetProperty("window", out var w) && w.ValueKind == JsonValueKind.Object)
        {
            subject = $"{Text(w, "fn")} {Text(w, "minutes")}m of {subject}";
        }

        var summary = $"{subject} {Text(d, "op")} {Text(d, "value")}";
        if (d.TryGetProperty("clear_when", out var c) && c.ValueKind == JsonValueKind.Object)
        {
            summary += $" (clear {Text(c, "op")} {Text(c, "value")})";
        }

        return Text(d, "mode") == "event" ? "each " + summary : summary;
    }

    private static string Actions(JsonElement d) =>
        d.TryGetProperty("actions", out var actions) && actions.ValueKind == JsonValueKind.Array
            ? string.Join(", ", actions.EnumerateArray().SelectMany(a => a.EnumerateObject()).Select(p => p.Name switch
            {
                "write" => "write " + (p.Value.TryGetProperty("alias", out var alias) ? alias.GetString() : "?"),
                var other => other,
            }))
            : "-";
}
