using System.Globalization;
using System.Text.Json;

namespace Outpost.Cloud.Rules;

/// <summary>
/// A value a condition looks at: its text, its number when it is one, and its items when it is a JSON array
/// (for <c>contains</c>).
/// </summary>
internal sealed record RuleValue(string Text, double? Number, IReadOnlyList<string>? Items = null)
{
    public static RuleValue FromText(string text) =>
        new(text, double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : null);

    public static RuleValue FromNumber(double number) => new(number.ToString("0.####", CultureInfo.InvariantCulture), number);

    public static RuleValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => new(element.GetRawText(), element.GetDouble()),
        JsonValueKind.String => FromText(element.GetString()!),
        JsonValueKind.Array => new(element.GetRawText(), null, element.EnumerateArray().Select(Item).ToList()),
        JsonValueKind.True => new("true", null),
        JsonValueKind.False => new("false", null),
        JsonValueKind.Null => new("null", null),
        _ => new(element.GetRawText(), null),
    };

    private static string Item(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
}
