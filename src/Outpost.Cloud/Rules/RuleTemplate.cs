using System.Text;

namespace Outpost.Cloud.Rules;

/// <summary>
/// Fills <c>{{value}}</c>, <c>{{serial}}</c>, <c>{{alias}}</c>, <c>{{rule}}</c> and <c>{{product}}</c> in write values and alert
/// messages; anything else is left as written.
/// </summary>
internal static class RuleTemplate
{
    public static string Fill(string template, string rule, string product, string serial, string alias, string value)
    {
        if (!template.Contains("{{", StringComparison.Ordinal))
        {
            return template;
        }

        return new StringBuilder(template)
            .Replace("{{value}}", value)
            .Replace("{{serial}}", serial)
            .Replace("{{alias}}", alias)
            .Replace("{{rule}}", rule)
            .Replace("{{product}}", product)
            .ToString();
    }
}
