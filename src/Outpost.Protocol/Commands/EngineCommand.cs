using System.Text.Json;
using Outpost.Protocol.Tarballs;

namespace Outpost.Protocol.Commands;

/// <summary>
/// A command written to the <c>engine_fetch</c> alias, such as the seed's <c>{"install": [{"name": "test_app.v1.tar.gz"}]}</c>.
/// Written by operators, the CLI and the rollout engine; parsed by gwe and the fleet simulator with <see cref="TryParse"/>.
/// </summary>
/// <param name="Verb">What to do.</param>
/// <param name="Targets">The apps it applies to (empty for <see cref="EngineVerb.Report"/>).</param>
/// <param name="Id">An optional id the engine echoes in <c>fetch_status</c> (rollouts use it to match answers).</param>
public sealed record EngineCommand(EngineVerb Verb, IReadOnlyList<EngineTarget> Targets, string? Id = null)
{
    private static readonly Dictionary<string, EngineVerb> Verbs = new(StringComparer.Ordinal)
    {
        ["install"] = EngineVerb.Install,
        ["uninstall"] = EngineVerb.Uninstall,
        ["start"] = EngineVerb.Start,
        ["stop"] = EngineVerb.Stop,
        ["restart"] = EngineVerb.Restart,
        ["rollback"] = EngineVerb.Rollback,
        ["report"] = EngineVerb.Report,
    };

    /// <summary>The verb's JSON key.</summary>
    public static string KeyOf(EngineVerb verb) => verb.ToString().ToLowerInvariant();

    /// <summary>Renders the command as the JSON written to <c>engine_fetch</c>.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (Verb == EngineVerb.Report)
            {
                json.WriteStartObject("report");
                json.WriteEndObject();
            }
            else
            {
                json.WriteStartArray(KeyOf(Verb));
                foreach (var target in Targets)
                {
                    json.WriteStartObject();
                    json.WriteString("name", target.Name);
                    if (target.Sha256 is not null)
                    {
                        json.WriteString("sha256", target.Sha256);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            if (Id is not null)
            {
                json.WriteString("id", Id);
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Parses an <c>engine_fetch</c> value. Anything else than one known verb with well-formed targets is refused with a
    /// one-line reason (which the engine writes to <c>fetch_status</c>); the id, when readable, is returned either way.
    /// </summary>
    public static bool TryParse(string text, out EngineCommand command, out string error, out string? id)
    {
        command = new EngineCommand(EngineVerb.Report, []);
        error = string.Empty;
        id = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            // In the operator's terms (it lands in fetch_status): where, and what, without the parser's
            // "LineNumber: 0 | BytePositionInLine: 1." suffix.
            var what = System.Text.RegularExpressions.Regex.Replace(ex.Message, @"\s*(Path: \S*\s*\|\s*)?LineNumber:.*$", string.Empty).Trim();
            error = $"engine_fetch is not valid JSON (at character {(ex.BytePositionInLine ?? 0) + 1}): {what}";
            return false;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "engine_fetch must be a JSON object such as {\"install\": [{\"name\": \"app.v1.tar.gz\"}]}";
                return false;
            }

            if (root.TryGetProperty("id", out var idElement))
            {
                if (idElement.ValueKind != JsonValueKind.String || idElement.GetString()!.Length is 0 or > 128)
                {
                    error = "\"id\" must be a string of 1-128 characters";
                    return false;
                }

                id = idElement.GetString();
            }

            EngineVerb? verb = null;
            JsonElement body = default;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name == "id")
                {
                    continue;
                }

                if (!Verbs.TryGetValue(property.Name, out var found))
                {
                    error = $"unknown command '{property.Name}': use install, uninstall, start, stop, restart, rollback or report";
                    return false;
                }

                if (verb is not null)
                {
                    error = "one command per write: found both " + KeyOf(verb.Value) + " and " + property.Name;
                    return false;
                }

                verb = found;
                body = property.Value;
            }

            if (verb is null)
            {
                error = "no command: use install, uninstall, start, stop, restart, rollback or report";
                return false;
            }

            if (verb == EngineVerb.Report)
            {
                command = new EngineCommand(EngineVerb.Report, [], id);
                return true;
            }

            if (!TryTargets(verb.Value, body, out var targets, out error))
            {
                return false;
            }

            command = new EngineCommand(verb.Value, targets, id);
            return true;
        }
    }

    private static bool TryTargets(EngineVerb verb, JsonElement body, out List<EngineTarget> targets, out string error)
    {
        targets = [];
        error = string.Empty;
        var key = KeyOf(verb);
        if (body.ValueKind != JsonValueKind.Array || body.GetArrayLength() == 0)
        {
            error = $"\"{key}\" must be a non-empty array of {{\"name\": …}}";
            return false;
        }

        var index = 0;
        foreach (var item in body.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var nameElement)
                || nameElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(nameElement.GetString()))
            {
                error = $"{key}[{index}]: missing \"name\"";
                return false;
            }

            var name = nameElement.GetString()!;
            string? sha = null;
            if (verb == EngineVerb.Install)
            {
                if (!TarballName.TryParse(name, out _, out var nameError))
                {
                    error = $"{key}[{index}]: {nameError}";
                    return false;
                }

                if (item.TryGetProperty("sha256", out var shaElement))
                {
                    sha = shaElement.ValueKind == JsonValueKind.String ? shaElement.GetString() : null;
                    if (sha is null || sha.Length != 64 || !sha.All(Uri.IsHexDigit))
                    {
                        error = $"{key}[{index}]: sha256 must be 64 hex characters";
                        return false;
                    }

                    sha = sha.ToLowerInvariant();
                }
            }
            else if (!TarballName.IsValidName(name, out _))
            {
                error = $"{key}[{index}]: '{name}' is not an app name (letters, digits, '_', '-')";
                return false;
            }

            targets.Add(new EngineTarget(name, sha));
            index++;
        }

        return true;
    }
}
