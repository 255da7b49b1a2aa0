using System.Globalization;
using System.Text;
using System.Text.Json;
using Outpost.Cloud.Ingest;
using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Registry;
using Outpost.Cloud.Stream;

namespace Outpost.Cloud.Management;

/// <summary>
/// Devices of a product: add (one, many), list with filters, show, tag, disable, re-enable, delete; and their values:
/// write an alias (command &amp; control through the write path), read latest, read history (JSON or CSV).
/// </summary>
internal static class DevicesApi
{
    private const int MaxSerialsPerRequest = 100_000;

    /// <summary>Metadata is the operator's notes on a device, shown with it in every list: a small object, not a store.</summary>
    private const int MaxMetadataChars = 64 * 1024;

    public static void Map(RouteGroupBuilder api)
    {
        var devices = api.MapGroup("/products/{pid}/devices").WithTags("Devices");
        devices.MapPost("/", AddAsync).WithName("AddDevices").Produces<AddDevicesResponse>(201).WithSummary("Add one serial or many to the product's allowlist").Require(TokenRole.Operator);
        devices.MapGet("/", ListAsync).WithName("ListDevices").Produces<List<DeviceDto>>().WithSummary("List devices, filtered by status and tags (tag=key=value)").Require(TokenRole.Viewer);
        devices.MapGet("/{serial}", GetAsync).WithName("GetDevice").Produces<DeviceDto>().WithSummary("Show a device").Require(TokenRole.Viewer);
        devices.MapPatch("/{serial}", UpdateAsync).WithName("UpdateDevice").Produces<DeviceDto>().WithSummary("Set tags (null removes one) and metadata").Require(TokenRole.Operator);
        devices.MapPost("/{serial}/disable", DisableAsync).WithName("DisableDevice").Produces<DeviceDto>().WithSummary("Disable a device: its CIK stops working").Require(TokenRole.Operator);
        devices.MapPost("/{serial}/enable", EnableAsync).WithName("EnableDevice").Produces<DeviceDto>().WithSummary("Re-enable a device: it may activate again, the old CIK stays void").Require(TokenRole.Operator);
        devices.MapDelete("/{serial}", DeleteAsync).WithName("DeleteDevice").Produces(204).WithSummary("Delete a device and its values").Require(TokenRole.Operator);
        devices.MapPost("/{serial}/values", WriteAsync).WithName("WriteValues").Produces(204).WithSummary("Write settable aliases of a device (what its long polls see)").Require(TokenRole.Operator);
        devices.MapGet("/{serial}/values", LatestAsync).WithName("ReadLatest").Produces<Dictionary<string, LatestValueDto>>().WithSummary("Latest value of each alias (or of alias=… only)").Require(TokenRole.Viewer);
        devices.MapGet("/{serial}/values/{alias}/history", HistoryAsync).WithName("ReadHistory").Produces<List<HistoryPointDto>>().WithSummary("History of one alias, newest first; format=csv for CSV").Require(TokenRole.Viewer);
    }

    private static async Task<IResult> AddAsync(string pid, AddDevicesRequest? body, IRegistryStore registry, TimeProvider clock, CancellationToken ct)
    {
        if (await registry.GetProductAsync(pid, ct) is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        var serials = new List<string>();
        if (body?.Serial is not null)
        {
            serials.Add(body.Serial);
        }

        serials.AddRange(body?.Serials ?? []);
        if (serials.Count == 0)
        {
            return Problems.BadRequest("give serial or serials");
        }

        if (serials.Count > MaxSerialsPerRequest)
        {
            return Problems.BadRequest($"at most {MaxSerialsPerRequest} serials per request");
        }

        for (var i = 0; i < serials.Count; i++)
        {
            var serial = serials[i];
            if (serial is null)
            {
                // The binder lets a JSON null into a list of strings.
                return Problems.BadRequest($"serials[{(body?.Serial is null ? i : i - 1)}] is null: give serial numbers as strings");
            }

            if (!Identifiers.IsSerial(serial))
            {
                return Problems.BadRequest($"serial '{Shorten(serial)}' must be 1-128 printable characters without spaces");
            }
        }

        var tags = body?.Tags ?? new Dictionary<string, string>();
        var error = CheckTags(tags) ?? CheckMetadata(body?.Metadata);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        var metadata = body?.Metadata is { } meta ? meta.GetRawText() : "{}";
        var unique = serials.Distinct(StringComparer.Ordinal).ToList();
        var existing = await registry.AddDevicesAsync(pid, unique, tags, metadata, clock.GetUtcNow(), ct);
        var existingSet = existing.ToHashSet(StringComparer.Ordinal);
        return Results.Created($"/api/v1/products/{pid}/devices", new AddDevicesResponse(unique.Where(s => !existingSet.Contains(s)).ToList(), existing));
    }

    private static async Task<IResult> ListAsync(HttpContext context, string pid, IRegistryStore registry, LastSeenTracker lastSeen, CancellationToken ct)
    {
        if (await registry.GetProductAsync(pid, ct) is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        var query = context.Request.Query;
        if (!DeviceListQuery.TryRead(query, out var status, out var tags, out var limit, out var error))
        {
            return Problems.BadRequest(error);
        }

        var devices = await registry.ListDevicesAsync(pid, new DeviceQuery(status, tags, null, limit, query["after"].FirstOrDefault()), ct);
        return Results.Ok(devices.Select(d => d.ToDto(lastSeen.LastSeen(d))).ToList());
    }

    private static async Task<IResult> GetAsync(string pid, string serial, IRegistryStore registry, LastSeenTracker lastSeen, CancellationToken ct)
    {
        var device = await registry.GetDeviceAsync(pid, Unescape(serial), ct);
        return device is null ? Problems.NotFound($"no device {Unescape(serial)} in product {pid}") : Results.Ok(device.ToDto(lastSeen.LastSeen(device)));
    }

    private static async Task<IResult> UpdateAsync(string pid, string serial, UpdateDeviceRequest? body, IRegistryStore registry, CancellationToken ct)
    {
        if (body is null)
        {
            return Problems.BadRequest("send tags and/or metadata");
        }

        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        var remove = new List<string>();
        foreach (var (k, v) in body.Tags ?? new Dictionary<string, string?>())
        {
            if (v is null)
            {
                remove.Add(k);
            }
            else
            {
                set[k] = v;
            }
        }

        var error = CheckTags(set) ?? CheckMetadata(body.Metadata);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        var updated = await registry.UpdateDeviceAsync(pid, Unescape(serial), new DeviceChange(set, remove, body.Metadata?.GetRawText()), ct);
        return updated is null ? Problems.NotFound($"no device {Unescape(serial)} in product {pid}") : Results.Ok(updated.ToDto());
    }

    private static async Task<IResult> DisableAsync(string pid, string serial, IRegistryStore registry, CancellationToken ct) =>
        await registry.DisableDeviceAsync(pid, Unescape(serial), ct)
            ? Results.Ok((await registry.GetDeviceAsync(pid, Unescape(serial), ct))!.ToDto())
            : Problems.NotFound($"no device {Unescape(serial)} in product {pid}");

    private static async Task<IResult> EnableAsync(string pid, string serial, IRegistryStore registry, CancellationToken ct) =>
        await registry.EnableDeviceAsync(pid, Unescape(serial), ct)
            ? Results.Ok((await registry.GetDeviceAsync(pid, Unescape(serial), ct))!.ToDto())
            : Problems.NotFound($"no device {Unescape(serial)} in product {pid}");

    private static async Task<IResult> DeleteAsync(string pid, string serial, IRegistryStore registry, CancellationToken ct) =>
        await registry.DeleteDeviceAsync(pid, Unescape(serial), ct)
            ? Results.NoContent()
            : Problems.NotFound($"no device {Unescape(serial)} in product {pid}");

    private static async Task<IResult> WriteAsync(string pid, string serial, JsonElement? body, IRegistryStore registry, WritePath writePath, TimeProvider clock, CancellationToken ct)
    {
        var product = await registry.GetProductAsync(pid, ct);
        var device = product is null ? null : await registry.GetDeviceAsync(pid, Unescape(serial), ct);
        if (product is null || device is null)
        {
            return Problems.NotFound($"no device {Unescape(serial)} in product {pid}");
        }

        if (body is not { ValueKind: JsonValueKind.Object } values)
        {
            return Problems.BadRequest("send a JSON object of alias: value, e.g. {\"engine_fetch\": \"{...}\"}");
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var points = new List<ValuePoint>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in values.EnumerateObject())
        {
            // JSON lets a name repeat; two values for one alias in one write would become two commands a second apart.
            if (!seen.Add(property.Name))
            {
                return Problems.BadRequest($"alias '{property.Name}' is given twice: write one value per alias");
            }

            // A string is the value itself; any other JSON (object, number) is stored as its JSON text.
            var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            points.Add(new ValuePoint(property.Name, now, text));
        }

        var outcome = await writePath.WriteAsync(product, device.Id, device.Serial, points, null, EventKinds.Write, WriteSource.Management, ct);
        return outcome.Ok ? Results.NoContent() : Problems.Status(outcome.Status, outcome.Error!);
    }

    private static async Task<IResult> LatestAsync(HttpContext context, string pid, string serial, IRegistryStore registry, IValueStore values, CancellationToken ct)
    {
        var product = await registry.GetProductAsync(pid, ct);
        var device = product is null ? null : await registry.GetDeviceAsync(pid, Unescape(serial), ct);
        if (product is null || device is null)
        {
            return Problems.NotFound($"no device {Unescape(serial)} in product {pid}");
        }

        var asked = context.Request.Query["alias"].Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).ToList();
        foreach (var alias in asked)
        {
            if (product.FindResource(alias) is null)
            {
                return Problems.BadRequest($"alias '{alias}' is not defined in product {pid}");
            }
        }

        var aliases = asked.Count > 0 ? asked : product.Resources.Select(r => r.Alias).ToList();
        var latest = await values.ReadLatestAsync(device.Id, aliases, ct);
        var result = new SortedDictionary<string, LatestValueDto>(StringComparer.Ordinal);
        foreach (var (alias, v) in latest)
        {
            result[alias] = new LatestValueDto(v.Value, v.TimestampMs, StoredTime.Of(v.TimestampMs));
        }

        return Results.Ok(result);
    }

    private static async Task<IResult> HistoryAsync(HttpContext context, string pid, string serial, string alias, IRegistryStore registry, IValueStore values, TimeProvider clock, CancellationToken ct)
    {
        var product = await registry.GetProductAsync(pid, ct);
        var device = product is null ? null : await registry.GetDeviceAsync(pid, Unescape(serial), ct);
        if (product is null || device is null)
        {
            return Problems.NotFound($"no device {Unescape(serial)} in product {pid}");
        }

        if (product.FindResource(alias) is null)
        {
            return Problems.BadRequest($"alias '{alias}' is not defined in product {pid}");
        }

        var query = context.Request.Query;
        if (!TimeArgument.TryParse(query["from"].FirstOrDefault(), clock, 0, out var from)
            || !TimeArgument.TryParse(query["to"].FirstOrDefault(), clock, long.MaxValue, out var to))
        {
            return Problems.BadRequest("from/to must be ISO-8601 times, epoch seconds or milliseconds, or relative like -1h");
        }

        var limit = 1000;
        if (query["limit"].FirstOrDefault() is { } limitText && (!int.TryParse(limitText, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1_000_000))
        {
            return Problems.BadRequest("limit must be 1-1000000");
        }

        var points = await values.ReadHistoryAsync(device.Id, alias, from, to, limit, ct);
        var wantsCsv = string.Equals(query["format"].FirstOrDefault(), "csv", StringComparison.OrdinalIgnoreCase)
            || context.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase);
        if (wantsCsv)
        {
            var csv = new StringBuilder("ts,time,value\n");
            foreach (var p in points)
            {
                csv.Append(p.TimestampMs.ToString(CultureInfo.InvariantCulture)).Append(',')
                    // As the JSON answers write it (2023-11-14T22:16:40.123+00:00; no zero fraction): not 7 digits of 100 ns.
                    .Append(StoredTime.Of(p.TimestampMs).ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFzzz", CultureInfo.InvariantCulture)).Append(',')
                    .Append(CsvField(p.Value)).Append('\n');
            }

            return Results.Text(csv.ToString(), "text/csv; charset=utf-8");
        }

        return Results.Ok(points.Select(p => new HistoryPointDto(p.TimestampMs, StoredTime.Of(p.TimestampMs), p.Value)).ToList());
    }

    /// <summary>Kestrel leaves <c>%2F</c> encoded in paths; a serial may contain '/'.</summary>
    internal static string Unescape(string serial) => serial.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    private static string? CheckTags(IReadOnlyDictionary<string, string> tags)
    {
        foreach (var (k, v) in tags)
        {
            if (!Identifiers.IsTagKey(k))
            {
                return $"tag key '{Shorten(k)}' must be 1-64 letters, digits, '_', '-' or '.'";
            }

            if (v is null)
            {
                // The binder lets a JSON null into a string value; only PATCH gives null a meaning (remove the tag).
                return $"tag {k}: the value must be a string, not null";
            }

            if (v.Length > 256)
            {
                return $"tag {k}: value is over 256 characters";
            }
        }

        return null;
    }

    private static string? CheckMetadata(JsonElement? metadata) => metadata switch
    {
        null => null,
        { ValueKind: not JsonValueKind.Object } => $"metadata must be a JSON object, not {metadata.Value.ValueKind.ToString().ToLowerInvariant()}",
        { } meta when meta.GetRawText().Length > MaxMetadataChars => $"metadata is over {MaxMetadataChars / 1024} KiB of JSON",
        _ => null,
    };

    private static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
