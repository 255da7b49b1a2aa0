using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Outpost.Cloud.Rules;

/// <summary>
/// Turns a rule written in YAML into the same JSON document <see cref="RuleParser"/> reads, so a YAML rule is checked
/// by the one parser and a bad field gets the same message. Called by the rules API (<c>Content-Type: application/yaml</c>)
/// and by <c>outpost rule create --file rule.yaml</c> to name a syntax error locally.
/// Flow: YamlDotNet's event parser → JSON writer, one node at a time. Plain scalars are typed as YAML 1.2's JSON
/// schema does (<c>null</c>, <c>true</c>/<c>false</c>, JSON numbers; everything else — <c>on</c>, <c>yes</c>, <c>0x1f</c> — is a
/// string), quoted scalars are strings. What JSON cannot say, or what would make a small file expand, is refused with
/// its line and column: anchors and aliases (no "billion laughs"), tags other than the standard ones, duplicate keys,
/// non-scalar keys, several documents, nesting deeper than <see cref="MaxDepth"/>.
/// </summary>
internal static partial class RuleYaml
{
    public const string MediaType = "application/yaml";

    private const int MaxDepth = 32;

    private static readonly HashSet<string> StandardTags = new(StringComparer.Ordinal)
    {
        "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
    };

    /// <summary>True for the media types a YAML body may come as (<c>application/yaml</c>, <c>application/x-yaml</c>, <c>text/yaml</c>).</summary>
    public static bool IsYamlMediaType(string? contentType)
    {
        var media = contentType?.Split(';', 2)[0].Trim();
        return media is not null && (media.Equals(MediaType, StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/x-yaml", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/yaml", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Converts <paramref name="yaml"/> to JSON text; on failure <paramref name="error"/> is one line with the line and column.</summary>
    public static bool TryToJson(string yaml, out string json, out string error)
    {
        json = string.Empty;
        var parser = new Parser(new StringReader(yaml));
        try
        {
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                parser.Consume<StreamStart>();
                if (parser.Accept<StreamEnd>(out _))
                {
                    throw new YamlRefusal(null, "the document is empty");
                }

                parser.Consume<DocumentStart>();
                WriteNode(parser, writer, 0);
                parser.Consume<DocumentEnd>();
                if (parser.Accept<DocumentStart>(out var second))
                {
                    throw new YamlRefusal(second.Start, "one rule per file: a second YAML document is not read");
                }

                parser.Consume<StreamEnd>();
            }

            json = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            error = string.Empty;
            return true;
        }
        catch (YamlRefusal ex)
        {
            error = ex.Start is { } at ? $"line {at.Line}, column {at.Column}: {ex.Message}" : ex.Message;
            return false;
        }
        catch (YamlException ex)
        {
            // YamlDotNet prefixes its message with "(Line: 1, Col: 9, Idx: 8) - (Line: …): "; the position is said once, our way.
            error = $"line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message[(ex.Message.LastIndexOf("): ", StringComparison.Ordinal) + 1)..].Trim()}";
            return false;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this on some broken input (an unclosed "[>"); the last event read is where it went wrong.
            var at = parser.Current?.End;
            error = at is null ? "not valid YAML" : $"line {at.Value.Line}, column {at.Value.Column}: not valid YAML after this point";
            return false;
        }
    }

    private static void WriteNode(IParser parser, Utf8JsonWriter writer, int depth)
    {
        var node = parser.Current;
        if (node is AnchorAlias alias)
        {
            throw new YamlRefusal(alias.Start, $"YAML aliases (*{alias.Value}) are not supported in a rule: write the value out");
        }

        if (node is not NodeEvent { } nodeEvent)
        {
            throw new YamlRefusal(node?.Start, "expected a value");
        }

        Check(nodeEvent);
        if (depth > MaxDepth)
        {
            throw new YamlRefusal(nodeEvent.Start, $"nested deeper than {MaxDepth} levels");
        }

        switch (nodeEvent)
        {
            case Scalar scalar:
                parser.MoveNext();
                WriteScalar(scalar, writer);
                break;
            case SequenceStart:
                parser.MoveNext();
                writer.WriteStartArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    WriteNode(parser, writer, depth + 1);
                }

                writer.WriteEndArray();
                break;
            case MappingStart:
                parser.MoveNext();
                writer.WriteStartObject();
                var keys = new HashSet<string>(StringComparer.Ordinal);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    if (!parser.TryConsume<Scalar>(out var key))
                    {
                        throw new YamlRefusal(parser.Current?.Start, "a key must be a name, not a list or a mapping");
                    }

                    Check(key);

                    if (!keys.Add(key.Value))
                    {
                        throw new YamlRefusal(key.Start, $"duplicate key '{key.Value}'");
                    }

                    writer.WritePropertyName(key.Value);
                    WriteNode(parser, writer, depth + 1);
                }

                writer.WriteEndObject();
                break;
            default:
                throw new YamlRefusal(nodeEvent.Start, "expected a value");
        }
    }

    private static void Check(NodeEvent node)
    {
        if (!node.Anchor.IsEmpty)
        {
            throw new YamlRefusal(node.Start, $"YAML anchors (&{node.Anchor.Value}) are not supported in a rule: write the value out");
        }

        if (!node.Tag.IsEmpty && !node.Tag.IsNonSpecific && !StandardTags.Contains(node.Tag.Value))
        {
            throw new YamlRefusal(node.Start, $"YAML tag {node.Tag.Value} is not supported in a rule");
        }
    }

    private static void WriteScalar(Scalar scalar, Utf8JsonWriter writer)
    {
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (scalar.Style != ScalarStyle.Plain || tag is "tag:yaml.org,2002:str" || (scalar.Tag.IsNonSpecific && tag is not null))
        {
            writer.WriteStringValue(scalar.Value);
            return;
        }

        var text = scalar.Value;
        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            writer.WriteNullValue();
        }
        else if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            writer.WriteBooleanValue(text[0] is 't' or 'T');
        }
        else if (JsonNumber().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            writer.WriteRawValue(text);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();
}
