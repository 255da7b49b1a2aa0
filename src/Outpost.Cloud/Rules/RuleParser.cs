using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Outpost.Cloud.Rules;

/// <summary>
/// Reads a rule's JSON into a <see cref="RuleDefinition"/>, checking every field; a bad definition is refused with
/// one message naming the field (<c>clear_when.op: must be one of …</c>). Pure: the product's aliases come in as data.
/// </summary>
internal static class RuleParser
{
    private static readonly string[] TopFields =
        ["name", "enabled", "mode", "alias", "path", "op", "value", "clear_when", "window", "sources", "absence", "require", "actions", "otherwise"];

    private static readonly string[] AllSources = ["device", "management", "rule", "rollout"];

    private static readonly string[] Severities = ["info", "warning", "critical"];

    /// <summary>Parses <paramref name="json"/>; <paramref name="aliases"/> (alias → settable) checks alias names when given,
    /// and is given when a definition is created: then also a clear_when overlapping the condition is refused. Stored
    /// rules are loaded without it, so a rule stored before that check existed keeps running.</summary>
    public static bool TryParse(JsonElement json, IReadOnlyDictionary<string, bool>? aliases, out RuleDefinition? rule, out string error)
    {
        rule = null;
        try
        {
            rule = Parse(json, aliases);
            error = string.Empty;
            return true;
        }
        catch (RuleFieldException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    private static RuleDefinition Parse(JsonElement json, IReadOnlyDictionary<string, bool>? aliases)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new RuleFieldException("rule", "must be a JSON object");
        }

        CheckFields(json, TopFields, string.Empty);
        var name = RequiredString(json, "name");
        if (!Regex.IsMatch(name, "^[A-Za-z0-9_.-]{1,64}$", RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            throw new RuleFieldException("name", "must be 1-64 letters, digits, '_', '-' or '.'");
        }

        var mode = OptionalString(json, "mode") switch
        {
            null or "state" => RuleMode.State,
            "event" => RuleMode.Event,
            var other => throw new RuleFieldException("mode", $"must be state or event, not '{other}'"),
        };

        var sources = json.TryGetProperty("sources", out var sourcesJson) && sourcesJson.ValueKind != JsonValueKind.Null
            ? ParseSources(sourcesJson)
            : new HashSet<string>(["device", "management"], StringComparer.Ordinal);

        AbsenceSpec? absence = null;
        string? alias = null;
        JsonPathQuery? path = null;
        Condition? when = null;
        Condition? clearWhen = null;
        WindowFunction? windowFunction = null;
        var windowLength = TimeSpan.Zero;
        if (json.TryGetProperty("absence", out var absenceJson) && absenceJson.ValueKind != JsonValueKind.Null)
        {
            foreach (var field in new[] { "alias", "path", "op", "value", "clear_when", "window" })
            {
                if (json.TryGetProperty(field, out var present) && present.ValueKind != JsonValueKind.Null)
                {
                    throw new RuleFieldException(field, "an absence rule has no condition on a value: leave it out");
                }
            }

            if (mode != RuleMode.State)
            {
                throw new RuleFieldException("mode", "an absence rule is a state rule");
            }

            absence = ParseAbsence(absenceJson);
        }
        else
        {
            alias = RequiredString(json, "alias");
            CheckAlias(aliases, alias, "alias", settable: false);
            if (OptionalString(json, "path") is { } pathText)
            {
                if (!JsonPathQuery.TryParse(pathText, out path, out var pathError))
                {
                    throw new RuleFieldException("path", pathError);
                }
            }

            when = ParseCondition(json, string.Empty, aliases);
            if (json.TryGetProperty("clear_when", out var clearJson) && clearJson.ValueKind != JsonValueKind.Null)
            {
                if (mode == RuleMode.Event)
                {
                    throw new RuleFieldException("clear_when", "only a state rule clears; an event rule fires on each matching event");
                }

                if (clearJson.ValueKind != JsonValueKind.Object)
                {
                    throw new RuleFieldException("clear_when", "must be an object {\"op\": …, \"value\": …}");
                }

                CheckFields(clearJson, ["op", "value"], "clear_when.");
                clearWhen = ParseCondition(clearJson, "clear_when.", aliases);
                if (aliases is not null && Overlap(when, clearWhen) is { } both)
                {
                    throw new RuleFieldException("clear_when", $"{both} both meets the condition and clears it, so the rule would open and "
                        + "clear on every value; clear_when must hold only where the condition does not (e.g. > 90, clear_when < 80)");
                }
            }

            if (json.TryGetProperty("window", out var windowJson) && windowJson.ValueKind != JsonValueKind.Null)
            {
                (windowFunction, windowLength) = ParseWindow(windowJson);
                if (when.OtherAlias is not null || when.Op is ComparisonOp.Contains or ComparisonOp.Matches)
                {
                    throw new RuleFieldException("op", "a window compares a number: use > < >= <= == or != with a number");
                }
            }
        }

        RuleRequirement? require = null;
        if (json.TryGetProperty("require", out var requireJson) && requireJson.ValueKind != JsonValueKind.Null)
        {
            require = ParseRequirement(requireJson, aliases);
        }

        var actions = ParseActions(json, "actions", aliases, required: true);
        var otherwise = ParseActions(json, "otherwise", aliases, required: false);
        if (otherwise.Count > 0 && require is null)
        {
            throw new RuleFieldException("otherwise", "runs when a requirement fails: give require too");
        }

        if (mode == RuleMode.Event && actions.Concat(otherwise).Any(a => a.Write?.OnClear == true))
        {
            throw new RuleFieldException("actions", "an event rule never clears: a write with \"on\": \"clear\" would never run");
        }

        return new RuleDefinition(name, alias, path, when, clearWhen, windowFunction, windowLength, mode, sources, absence, require, actions, otherwise);
    }

    private static HashSet<string> ParseSources(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() == 0)
        {
            throw new RuleFieldException("sources", $"must be a non-empty list of {string.Join(", ", AllSources)}");
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in json.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !AllSources.Contains(item.GetString()))
            {
                throw new RuleFieldException($"sources[{i}]", $"must be one of {string.Join(", ", AllSources)}");
            }

            set.Add(item.GetString()!);
            i++;
        }

        return set;
    }

    private static AbsenceSpec ParseAbsence(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new RuleFieldException("absence", "must be an object {\"intervals\": 3}");
        }

        CheckFields(json, ["intervals", "default_interval"], "absence.");
        var intervals = 3.0;
        if (json.TryGetProperty("intervals", out var n) && (n.ValueKind != JsonValueKind.Number || (intervals = n.GetDouble()) <= 0 || intervals > 1000))
        {
            throw new RuleFieldException("absence.intervals", "must be a number in (0, 1000]");
        }

        var fallback = TimeSpan.FromHours(4); // gwe's default update_interval (14400 s)
        if (json.TryGetProperty("default_interval", out var d) && (!TryDuration(d, out fallback) || fallback <= TimeSpan.Zero))
        {
            throw new RuleFieldException("absence.default_interval", "must be a positive duration such as 60s, 5m, 4h (or seconds)");
        }

        return new AbsenceSpec(intervals, fallback);
    }

    private static Condition ParseCondition(JsonElement json, string prefix, IReadOnlyDictionary<string, bool>? aliases)
    {
        var opText = RequiredString(json, "op", prefix);
        var op = opText switch
        {
            ">" => ComparisonOp.Greater,
            "<" => ComparisonOp.Less,
            ">=" => ComparisonOp.GreaterOrEqual,
            "<=" => ComparisonOp.LessOrEqual,
            "==" => ComparisonOp.Equal,
            "!=" => ComparisonOp.NotEqual,
            "contains" => ComparisonOp.Contains,
            "matches" => ComparisonOp.Matches,
            _ => throw new RuleFieldException(prefix + "op", $"must be one of > < >= <= == != contains matches, not '{opText}'"),
        };
        if (!json.TryGetProperty("value", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new RuleFieldException(prefix + "value", "is required");
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            CheckFields(value, ["alias"], prefix + "value.");
            var other = RequiredString(value, "alias", prefix + "value.");
            CheckAlias(aliases, other, prefix + "value.alias", settable: false);
            if (op == ComparisonOp.Matches)
            {
                throw new RuleFieldException(prefix + "value", "matches needs a literal pattern, not another alias");
            }

            return Condition.Create(op, null, other);
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            throw new RuleFieldException(prefix + "value", "must be a number, a string, true, false, or {\"alias\": NAME}");
        }

        var literal = RuleValue.FromJson(value);
        if (op is ComparisonOp.Greater or ComparisonOp.Less or ComparisonOp.GreaterOrEqual or ComparisonOp.LessOrEqual && literal.Number is null)
        {
            throw new RuleFieldException(prefix + "value", $"{opText} compares numbers: give a number");
        }

        if (op == ComparisonOp.Matches)
        {
            try
            {
                _ = new Regex(literal.Text, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                throw new RuleFieldException(prefix + "value", $"is not a valid regular expression: {ex.Message}");
            }
        }

        return Condition.Create(op, literal, null);
    }

    private static (WindowFunction, TimeSpan) ParseWindow(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new RuleFieldException("window", "must be null or {\"fn\": \"avg\", \"minutes\": 5}");
        }

        CheckFields(json, ["fn", "minutes"], "window.");
        var function = RequiredString(json, "fn", "window.") switch
        {
            "avg" => WindowFunction.Avg,
            "min" => WindowFunction.Min,
            "max" => WindowFunction.Max,
            "count" => WindowFunction.Count,
            var other => throw new RuleFieldException("window.fn", $"must be avg, min, max or count, not '{other}'"),
        };
        if (!json.TryGetProperty("minutes", out var minutes) || minutes.ValueKind != JsonValueKind.Number
            || minutes.GetDouble() is var m && (m <= 0 || m > 7 * 24 * 60))
        {
            throw new RuleFieldException("window.minutes", "must be a number of minutes in (0, 10080]");
        }

        return (function, TimeSpan.FromMinutes(minutes.GetDouble()));
    }

    private static RuleRequirement ParseRequirement(JsonElement json, IReadOnlyDictionary<string, bool>? aliases)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new RuleFieldException("require", "must be an object {\"status\": \"activated\", \"aliases\": {…}}");
        }

        CheckFields(json, ["status", "aliases"], "require.");
        var status = OptionalString(json, "status", "require.");
        if (status is not null and not ("activated" or "notactivated" or "disabled"))
        {
            throw new RuleFieldException("require.status", $"must be activated, notactivated or disabled, not '{status}'");
        }

        var conditions = new List<(string, Condition)>();
        if (json.TryGetProperty("aliases", out var map) && map.ValueKind != JsonValueKind.Null)
        {
            if (map.ValueKind != JsonValueKind.Object)
            {
                throw new RuleFieldException("require.aliases", "must be an object {\"ALIAS\": {\"op\": …, \"value\": …}}");
            }

            foreach (var property in map.EnumerateObject())
            {
                var prefix = $"require.aliases.{property.Name}.";
                CheckAlias(aliases, property.Name, $"require.aliases.{property.Name}", settable: false);
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new RuleFieldException(prefix[..^1], "must be an object {\"op\": …, \"value\": …}");
                }

                CheckFields(property.Value, ["op", "value"], prefix);
                conditions.Add((property.Name, ParseCondition(property.Value, prefix, aliases)));
            }
        }

        return new RuleRequirement(status, conditions);
    }

    private static List<RuleAction> ParseActions(JsonElement json, string field, IReadOnlyDictionary<string, bool>? aliases, bool required)
    {
        if (!json.TryGetProperty(field, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new RuleFieldException(field, "is required: a list of {\"alert\": …}, {\"write\": …} or {\"webhook\": …}") : [];
        }

        if (list.ValueKind != JsonValueKind.Array || (required && list.GetArrayLength() == 0))
        {
            throw new RuleFieldException(field, "must be a non-empty list of {\"alert\": …}, {\"write\": …} or {\"webhook\": …}");
        }

        var actions = new List<RuleAction>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"{field}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object || item.EnumerateObject().Count() != 1)
            {
                throw new RuleFieldException(at, "must be an object with exactly one of alert, write or webhook");
            }

            var property = item.EnumerateObject().First();
            var body = property.Value;
            var prefix = $"{at}.{property.Name}";
            if (body.ValueKind != JsonValueKind.Object)
            {
                throw new RuleFieldException(prefix, "must be an object");
            }

            actions.Add(property.Name switch
            {
                "alert" => new RuleAction(Alert: ParseAlert(body, prefix + ".")),
                "write" => new RuleAction(Write: ParseWrite(body, prefix + ".", aliases)),
                "webhook" => new RuleAction(Webhook: ParseWebhook(body, prefix + ".")),
                _ => throw new RuleFieldException(at, $"unknown action '{property.Name}': use alert, write or webhook"),
            });
        }

        return actions;
    }

    private static AlertAction ParseAlert(JsonElement json, string prefix)
    {
        CheckFields(json, ["severity", "message"], prefix);
        var severity = OptionalString(json, "severity", prefix) ?? "warning";
        if (!Severities.Contains(severity))
        {
            throw new RuleFieldException(prefix + "severity", $"must be info, warning or critical, not '{severity}'");
        }

        var message = OptionalString(json, "message", prefix);
        if (message is { Length: > 500 })
        {
            throw new RuleFieldException(prefix + "message", "is over 500 characters");
        }

        return new AlertAction(severity, message);
    }

    private static WriteAction ParseWrite(JsonElement json, string prefix, IReadOnlyDictionary<string, bool>? aliases)
    {
        CheckFields(json, ["alias", "value", "serial", "on"], prefix);
        var alias = RequiredString(json, "alias", prefix);
        CheckAlias(aliases, alias, prefix + "alias", settable: true);
        if (!json.TryGetProperty("value", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new RuleFieldException(prefix + "value", "is required (\"{{value}}\" copies the value that fired)");
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        if (System.Text.Encoding.UTF8.GetByteCount(text) > Ingest.WriteValidator.MaxValueBytes)
        {
            // The write path would refuse it every time the rule fires: say so now, not in a log line then.
            throw new RuleFieldException(prefix + "value", $"is over {Ingest.WriteValidator.MaxValueBytes / 1024} KiB, more than any alias takes");
        }

        var serial = OptionalString(json, "serial", prefix);
        if (serial is not null && !Registry.Identifiers.IsSerial(serial))
        {
            throw new RuleFieldException(prefix + "serial", "must be 1-128 printable characters without spaces");
        }

        var on = OptionalString(json, "on", prefix) ?? "open";
        if (on is not ("open" or "clear"))
        {
            throw new RuleFieldException(prefix + "on", $"must be open or clear, not '{on}'");
        }

        return new WriteAction(alias, text, serial, on == "clear");
    }

    private static WebhookAction ParseWebhook(JsonElement json, string prefix)
    {
        CheckFields(json, ["url", "secret", "max_attempts", "backoff"], prefix);
        var urlText = RequiredString(json, "url", prefix);
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new RuleFieldException(prefix + "url", "must be an absolute http:// or https:// URL");
        }

        var secret = OptionalString(json, "secret", prefix);
        if (secret is { Length: 0 or > 256 })
        {
            throw new RuleFieldException(prefix + "secret", "must be 1-256 characters");
        }

        var attempts = 6;
        if (json.TryGetProperty("max_attempts", out var n) && (n.ValueKind != JsonValueKind.Number || !n.TryGetInt32(out attempts) || attempts is < 1 or > 50))
        {
            throw new RuleFieldException(prefix + "max_attempts", "must be a whole number 1-50");
        }

        var backoff = TimeSpan.FromSeconds(1);
        if (json.TryGetProperty("backoff", out var b) && (!TryDuration(b, out backoff) || backoff <= TimeSpan.Zero || backoff > TimeSpan.FromHours(1)))
        {
            throw new RuleFieldException(prefix + "backoff", "must be a duration in (0, 1h] such as 500ms, 2s, 1m");
        }

        return new WebhookAction(url, secret, attempts, backoff);
    }

    /// <summary>A duration: seconds as a number, or text with ms, s, m, h or d.</summary>
    public static bool TryDuration(JsonElement json, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (json.ValueKind == JsonValueKind.Number)
        {
            value = TimeSpan.FromSeconds(json.GetDouble());
            return true;
        }

        if (json.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        return DurationText.TryParse(json.GetString().AsSpan().Trim(), DurationSyntax.BareSeconds | DurationSyntax.Fractions | DurationSyntax.Milliseconds, out value);
    }

    private static void CheckAlias(IReadOnlyDictionary<string, bool>? aliases, string alias, string field, bool settable)
    {
        if (aliases is null)
        {
            return;
        }

        if (!aliases.TryGetValue(alias, out var isSettable))
        {
            throw new RuleFieldException(field, $"alias '{alias}' is not defined in the product");
        }

        if (settable && !isSettable)
        {
            throw new RuleFieldException(field, $"alias '{alias}' is not settable from the cloud");
        }
    }

    private static void CheckFields(JsonElement json, string[] known, string prefix)
    {
        foreach (var property in json.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                throw new RuleFieldException(prefix + property.Name, $"unknown field (known: {string.Join(", ", known)})");
            }
        }
    }

    private static string RequiredString(JsonElement json, string name, string prefix = "") =>
        OptionalString(json, name, prefix) is { Length: > 0 } text ? text : throw new RuleFieldException(prefix + name, "is required");

    private static string? OptionalString(JsonElement json, string name, string prefix = "")
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new RuleFieldException(prefix + name, "must be a string");
    }

    /// <summary>A value (as text) that meets both numeric conditions against constants, or null when none can.</summary>
    private static string? Overlap(Condition when, Condition clear)
    {
        if (when.Literal?.Number is not { } a || clear.Literal?.Number is not { } b || when.OtherAlias is not null || clear.OtherAlias is not null
            || !IsOrder(when.Op) || !IsOrder(clear.Op))
        {
            return null;
        }

        var (upA, upB) = (when.Op is ComparisonOp.Greater or ComparisonOp.GreaterOrEqual, clear.Op is ComparisonOp.Greater or ComparisonOp.GreaterOrEqual);
        if (upA == upB)
        {
            // Both open upwards (or both downwards): every value past the farther bound meets both.
            var far = upA ? Math.Max(a, b) + 1 : Math.Min(a, b) - 1;
            return $"a value of {RuleValue.FromNumber(far).Text}";
        }

        var (low, lowInclusive, high, highInclusive) = upA
            ? (a, when.Op == ComparisonOp.GreaterOrEqual, b, clear.Op == ComparisonOp.LessOrEqual)
            : (b, clear.Op == ComparisonOp.GreaterOrEqual, a, when.Op == ComparisonOp.LessOrEqual);
        return low < high || (low == high && lowInclusive && highInclusive) ? $"a value of {RuleValue.FromNumber(low < high ? (low + high) / 2 : low).Text}" : null;

        static bool IsOrder(ComparisonOp op) => op is ComparisonOp.Greater or ComparisonOp.Less or ComparisonOp.GreaterOrEqual or ComparisonOp.LessOrEqual;
    }
}
