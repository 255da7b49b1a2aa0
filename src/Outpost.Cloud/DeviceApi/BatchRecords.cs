using System.Text.Json;
using Outpost.Cloud.Ingest;
using Outpost.Protocol.Records;

namespace Outpost.Cloud.DeviceApi;

/// <summary>Parses and checks the batch endpoint's JSON; a bad item rejects the whole batch, naming the item.</summary>
internal static class BatchRecords
{
    public const long MaxBytes = 16 * 1024 * 1024;
    public const int MaxItems = 50_000;

    public static (IReadOnlyList<ValuePoint> Points, IReadOnlyList<string> Ids, string? Error) Parse(byte[] body)
    {
        List<BatchRecord>? records;
        try
        {
            records = JsonSerializer.Deserialize(body, RecordsJsonContext.Default.ListBatchRecord);
        }
        catch (JsonException ex)
        {
            return ([], [], "batch is not a JSON array of {id, alias, ts, value}: " + ex.Message);
        }

        if (records is null || records.Count == 0)
        {
            return ([], [], "batch is empty: send a JSON array of {id, alias, ts, value}");
        }

        if (records.Count > MaxItems)
        {
            return ([], [], $"batch has {records.Count} items; at most {MaxItems}");
        }

        var points = new List<ValuePoint>(records.Count);
        var ids = new List<string>(records.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            if (r is null || string.IsNullOrEmpty(r.Id) || r.Id.Length > 128 || r.Alias is null || r.Value is null)
            {
                return ([], [], $"item {i}: needs id (1-128 chars), alias, ts and value");
            }

            if (r.Ts <= 0)
            {
                return ([], [], $"item {i}: ts must be epoch milliseconds");
            }

            if (!seen.Add(r.Id))
            {
                continue; // The same id twice in one batch is one value.
            }

            points.Add(new ValuePoint(r.Alias, r.Ts, r.Value));
            ids.Add(r.Id);
        }

        return (points, ids, null);
    }

    public static string Acknowledge(IReadOnlyList<string> ids) =>
        JsonSerializer.Serialize(new BatchAck(ids), RecordsJsonContext.Default.BatchAck);
}
