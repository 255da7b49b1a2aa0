using System.Text.Json;
using Outpost.Cloud.Ingest;
using Outpost.Protocol.Records;

namespace Outpost.Cloud.DeviceApi;

/// <summary>Parses and checks the batch endpoint's JSON; a bad item rejects the whole batch, naming the item.</summary>
/// <remarks>
/// The wire shape is <see cref="BatchRecord"/>'s (case-sensitive names, unknown properties ignored), read straight into
/// points and ids with <see cref="Utf8JsonReader"/>: deserializing a list of records first, then copying it, cost three
/// times as much CPU per value as the reading itself, at a thousand values per request.
/// </remarks>
internal static class BatchRecords
{
    public const long MaxBytes = 16 * 1024 * 1024;
    public const int MaxItems = 50_000;

    private const string Shape = "batch is not a JSON array of {id, alias, ts, value}: ";

    public static (IReadOnlyList<ValuePoint> Points, IReadOnlyList<string> Ids, string? Error) Parse(byte[] body)
    {
        var points = new List<ValuePoint>();
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? itemError = null;
        var count = 0;

        // The reader checks the JSON but not the UTF-8 inside strings; reading such a string as text throws.
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return ([], [], "batch is not valid UTF-8");
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return ([], [], Shape + "the body is not an array");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var index = count++;
                if (reader.TokenType == JsonTokenType.Null)
                {
                    itemError ??= Incomplete(index);
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return ([], [], Shape + $"item {index} is not an object");
                }

                var (id, alias, ts, value) = ReadItem(ref reader, index);
                // After a bad item (or too many) the rest is only read through: a malformed body is named as such.
                if (itemError is not null || count > MaxItems)
                {
                    continue;
                }

                if (string.IsNullOrEmpty(id) || id.Length > 128 || alias is null || value is null)
                {
                    itemError = Incomplete(index);
                }
                else if (ts <= 0)
                {
                    itemError = $"item {index}: ts must be epoch milliseconds";
                }
                else if (seen.Add(id)) // the same id twice in one batch is one value
                {
                    points.Add(new ValuePoint(alias, ts, value));
                    ids.Add(id);
                }
            }

            // Only whitespace may follow the array; the reader throws on anything else.
            reader.Read();
        }
        catch (JsonException ex)
        {
            return ([], [], Shape + ex.Message);
        }

        if (count == 0)
        {
            return ([], [], "batch is empty: send a JSON array of {id, alias, ts, value}");
        }

        if (count > MaxItems)
        {
            return ([], [], $"batch has {count} items; at most {MaxItems}");
        }

        return itemError is null ? (points, ids, null) : ([], [], itemError);
    }

    public static string Acknowledge(IReadOnlyList<string> ids) =>
        JsonSerializer.Serialize(new BatchAck(ids), RecordsJsonContext.Default.BatchAck);

    private static string Incomplete(int index) => $"item {index}: needs id (1-128 chars), alias, ts and value";

    /// <summary>Reads one item's properties, the reader on its <c>{</c>; leaves it on its <c>}</c>.</summary>
    private static (string? Id, string? Alias, long Ts, string? Value) ReadItem(ref Utf8JsonReader reader, int index)
    {
        string? id = null, alias = null, value = null;
        var ts = 0L;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                id = ReadText(ref reader, "id", index);
            }
            else if (reader.ValueTextEquals("alias"u8))
            {
                alias = ReadText(ref reader, "alias", index);
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                value = ReadText(ref reader, "value", index);
            }
            else if (reader.ValueTextEquals("ts"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out ts))
                {
                    throw new JsonException($"item {index}: ts is not an integer");
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (id, alias, ts, value);
    }

    private static string? ReadText(ref Utf8JsonReader reader, string name, int index)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw new JsonException($"item {index}: {name} is not a string"),
        };
    }
}
