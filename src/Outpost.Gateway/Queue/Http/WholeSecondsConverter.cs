using System.Text.Json;
using System.Text.Json.Serialization;

namespace Outpost.Gateway.Queue.Http;

/// <summary>
/// A duration as whole seconds (<c>"oldest_age": 123</c>), the unit <c>engine_report.gmq</c> uses for the same figures,
/// instead of .NET's <c>"00:02:03.1850000"</c>.
/// </summary>
internal sealed class WholeSecondsConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TimeSpan.FromSeconds(reader.GetInt64());

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteNumberValue((long)value.TotalSeconds);
}
