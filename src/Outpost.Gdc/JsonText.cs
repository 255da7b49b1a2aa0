using System.Text;
using System.Text.Json;

namespace Outpost.Gdc;

/// <summary>Small JSON documents for <c>--json</c> output, written without reflection.</summary>
internal static class JsonText
{
    public static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            body(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string Object(IEnumerable<KeyValuePair<string, string>> pairs) => Write(w =>
    {
        w.WriteStartObject();
        foreach (var (key, value) in pairs)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    });
}
