using System.Globalization;
using System.Xml.Linq;

namespace Outpost.Gateway.Supervisor.Supervisord;

/// <summary>The small part of XML-RPC supervisord speaks, as pure functions: build a call, read a response.</summary>
/// <remarks>
/// Values map to .NET as: <c>int</c>/<c>i4</c> → <see cref="int"/>, <c>boolean</c> → <see cref="bool"/>,
/// <c>string</c> (or untyped) → <see cref="string"/>, <c>double</c> → <see cref="double"/>, <c>array</c> →
/// <c>List&lt;object?&gt;</c>, <c>struct</c> → <c>Dictionary&lt;string, object?&gt;</c>, <c>nil</c> → null.
/// No third-party library: the envelope is a dozen elements.
/// </remarks>
internal static class XmlRpc
{
    /// <summary>The request body for <paramref name="method"/> with <paramref name="args"/> (string, int, bool).</summary>
    public static string Call(string method, params object[] args)
    {
        var call = new XElement(
            "methodCall",
            new XElement("methodName", method),
            new XElement("params", args.Select(a => new XElement("param", Value(a)))));
        return new XDeclaration("1.0", null, null) + call.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>The value of a <c>methodResponse</c>; throws <see cref="XmlRpcFault"/> for a fault, <see cref="FormatException"/>
    /// for anything that is not a response.</summary>
    public static object? ParseResponse(string xml)
    {
        XElement root;
        try
        {
            root = XElement.Parse(xml);
        }
        catch (System.Xml.XmlException ex)
        {
            throw new FormatException($"not an XML-RPC response: {ex.Message}", ex);
        }

        if (root.Name != "methodResponse")
        {
            throw new FormatException($"not an XML-RPC response: <{root.Name}>");
        }

        if (root.Element("fault")?.Element("value") is { } faultValue)
        {
            var fault = Read(faultValue) as Dictionary<string, object?> ?? [];
            throw new XmlRpcFault(fault.GetValueOrDefault("faultCode") as int? ?? 0, fault.GetValueOrDefault("faultString") as string ?? string.Empty);
        }

        var value = root.Element("params")?.Element("param")?.Element("value")
            ?? throw new FormatException("XML-RPC response without a value");
        return Read(value);
    }

    private static XElement Value(object? arg) => new(
        "value",
        arg switch
        {
            null => new XElement("nil"),
            string s => new XElement("string", s),
            bool b => new XElement("boolean", b ? "1" : "0"),
            int i => new XElement("int", i.ToString(CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException($"unsupported XML-RPC argument type {arg.GetType().Name}", nameof(arg)),
        });

    private static object? Read(XElement value)
    {
        var typed = value.Elements().FirstOrDefault();
        if (typed is null)
        {
            return value.Value; // an untyped value is a string
        }

        return typed.Name.LocalName switch
        {
            "int" or "i4" or "i8" => int.Parse(typed.Value.Trim(), CultureInfo.InvariantCulture),
            "boolean" => typed.Value.Trim() == "1",
            "string" => typed.Value,
            "double" => double.Parse(typed.Value.Trim(), CultureInfo.InvariantCulture),
            "nil" => null,
            "array" => typed.Element("data")?.Elements("value").Select(Read).ToList() ?? [],
            "struct" => typed.Elements("member").ToDictionary(
                m => m.Element("name")?.Value ?? string.Empty,
                m => m.Element("value") is { } v ? Read(v) : null,
                StringComparer.Ordinal),
            _ => typed.Value,
        };
    }
}
