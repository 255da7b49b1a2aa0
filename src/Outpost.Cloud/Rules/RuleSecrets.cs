using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;

namespace Outpost.Cloud.Rules;

/// <summary>
/// Keeps webhook secrets out of the store in plain text: a rule's definition is stored with each <c>secret</c>
/// encrypted by ASP.NET Core Data Protection (keys under <c>--data/keys</c>, directory mode 0700), revealed only to
/// sign a delivery, and shown by the API as <c>"(set)"</c>.
/// </summary>
internal sealed class RuleSecrets(IDataProtectionProvider provider)
{
    private const string Plain = "secret";
    private const string Protected = "secret_protected";

    private readonly IDataProtector _protector = provider.CreateProtector("Outpost.Rules.WebhookSecret");

    /// <summary>The definition to store: <c>enabled</c> left out (a column), secrets encrypted.</summary>
    public string ForStorage(JsonElement definition) => Rewrite(definition.GetRawText(), (webhook, secret) =>
    {
        webhook.Remove(Plain);
        webhook[Protected] = _protector.Protect(secret);
    }, Plain, dropEnabled: true);

    /// <summary>The stored definition with its secrets in plain text again, for the parser.</summary>
    public JsonElement Reveal(string stored) => Parse(Rewrite(stored, (webhook, secret) =>
    {
        webhook.Remove(Protected);
        webhook[Plain] = _protector.Unprotect(secret);
    }, Protected, dropEnabled: false));

    /// <summary>The stored definition as the API shows it: each secret as "(set)".</summary>
    public static JsonElement Mask(string stored) => Parse(Rewrite(stored, (webhook, _) =>
    {
        webhook.Remove(Protected);
        webhook[Plain] = "(set)";
    }, Protected, dropEnabled: false));

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Rewrite(string json, Action<JsonObject, string> change, string field, bool dropEnabled)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        if (dropEnabled)
        {
            root.Remove("enabled");
        }

        foreach (var list in new[] { "actions", "otherwise" })
        {
            if (root[list] is not JsonArray actions)
            {
                continue;
            }

            foreach (var action in actions)
            {
                if (action?["webhook"] is JsonObject webhook && webhook[field] is JsonValue value && value.TryGetValue<string>(out var secret))
                {
                    change(webhook, secret);
                }
            }
        }

        return root.ToJsonString();
    }
}
