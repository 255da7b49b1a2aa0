using System.Security.Cryptography;
using System.Text.Json;
using Outpost.Cloud.Content;
using Outpost.Cloud.Ingest;
using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Registry;
using Outpost.Cloud.Rollouts;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;
using Outpost.Protocol.Tarballs;

namespace Outpost.Cloud.Management;

/// <summary>
/// Staged OTA rollouts: create (with the staging gate), list, show with per-wave and per-device progress, pause,
/// resume, approve, abort, cancel, and the audit log.
/// </summary>
internal static class RolloutsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var rollouts = api.MapGroup("/products/{pid}/rollouts").WithTags("Rollouts");
        rollouts.MapPost("/", CreateAsync).WithName("CreateRollout").Produces<RolloutDto>(201).WithSummary("Start a staged rollout of a content artifact").Require(TokenRole.Operator);
        rollouts.MapGet("/", ListAsync).WithName("ListRollouts").Produces<List<RolloutDto>>().WithSummary("List a product's rollouts").Require(TokenRole.Viewer);
        rollouts.MapGet("/{id}", GetAsync).WithName("GetRollout").Produces<RolloutDto>().WithSummary("Show a rollout (devices=true lists every device)").Require(TokenRole.Viewer);
        foreach (var (verb, kind) in new[]
        {
            ("pause", RolloutInputKind.Pause), ("resume", RolloutInputKind.Resume), ("approve", RolloutInputKind.Approve),
            ("abort", RolloutInputKind.Abort), ("cancel", RolloutInputKind.Cancel),
        })
        {
            rollouts.MapPost("/{id}/" + verb, (HttpContext context, string pid, string id, RolloutActionRequest? body, RolloutEngine engine, CancellationToken ct) =>
                    ActAsync(context, pid, id, kind, body?.Reason, engine, ct))
                .WithName(char.ToUpperInvariant(verb[0]) + verb[1..] + "Rollout").Produces<RolloutDto>()
                .WithSummary($"{char.ToUpperInvariant(verb[0]) + verb[1..]} a rollout")
                .Require(TokenRole.Operator);
        }

        // The same rollout by id alone, for tools that hold only its id (outpost rollout status ID).
        var byId = api.MapGroup("/rollouts").WithTags("Rollouts");
        byId.MapGet("/{id}", async (string id, bool? devices, IRolloutStore store, CancellationToken ct) =>
            await store.GetAsync(id, ct) is { } r ? Results.Ok(ToDto(r, devices == true)) : Problems.NotFound($"no rollout {id}"))
            .WithName("GetRolloutById").Produces<RolloutDto>().WithSummary("Show a rollout by id").Require(TokenRole.Viewer);
        byId.MapPost("/{id}/{action}", async (HttpContext context, string id, string action, RolloutActionRequest? body, IRolloutStore store, RolloutEngine engine, CancellationToken ct) =>
            {
                RolloutInputKind? kind = action switch
                {
                    "pause" => RolloutInputKind.Pause,
                    "resume" => RolloutInputKind.Resume,
                    "approve" => RolloutInputKind.Approve,
                    "abort" => RolloutInputKind.Abort,
                    "cancel" => RolloutInputKind.Cancel,
                    _ => null,
                };
                if (kind is null)
                {
                    return Problems.NotFound($"no rollout action {action}: use pause, resume, approve, abort or cancel");
                }

                return await store.GetAsync(id, ct) is { } r
                    ? await ActAsync(context, r.ProductId, id, kind.Value, body?.Reason, engine, ct)
                    : Problems.NotFound($"no rollout {id}");
            })
            .WithName("ActOnRolloutById").Produces<RolloutDto>().WithSummary("Pause, resume, approve, abort or cancel a rollout by id").Require(TokenRole.Operator);

        api.MapGet("/products/{pid}/audit", AuditAsync).WithTags("Rollouts").WithName("ReadAudit").Produces<List<AuditDto>>().WithSummary("Who did what to the product's rollouts").Require(TokenRole.Viewer);
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context, string pid, CreateRolloutRequest? body, IRegistryStore registry, ContentStore content, IRolloutStore store,
        IValueStore values, RolloutEngine engine, TimeProvider clock, CancellationToken ct)
    {
        if (await registry.GetProductAsync(pid, ct) is not { } product)
        {
            return Problems.NotFound($"no product {pid}");
        }

        // A rollout commands gwe through engine_fetch and judges it by fetch_status and engine_report: without them
        // every command write would be refused and each device would only time out, half an hour later.
        string[] needed = [GatewayAliases.EngineFetch, GatewayAliases.FetchStatus, GatewayAliases.EngineReport];
        var missing = needed.Where(a => !product.Resources.Any(r => r.Alias == a && (a != GatewayAliases.EngineFetch || r.Settable))).ToList();
        if (missing.Count > 0)
        {
            return Problems.BadRequest($"product {pid} lacks the gateway alias{(missing.Count == 1 ? "" : "es")} {string.Join(", ", missing)} a rollout needs "
                + "(engine_fetch settable; a product made with the gateway template has them)");
        }

        if (body?.Artifact is not { } artifact)
        {
            return Problems.BadRequest("give the artifact: a content id NAME.vVERSION.tar.gz");
        }

        if (!TarballName.TryParse(artifact, out var tarball, out var nameError))
        {
            return Problems.BadRequest(nameError);
        }

        var item = await content.GetAsync(pid, artifact, ct);
        if (item is null)
        {
            return Problems.BadRequest($"no content {artifact} in product {pid}: upload it first");
        }

        if (!WavePlan.TryParse(body.Waves ?? "1,10%,100%", out var waves, out var wavesError))
        {
            return Problems.BadRequest(wavesError);
        }

        if (!RolloutArguments.TryDuration(body.Soak, TimeSpan.FromMinutes(5), out var soak)
            || !RolloutArguments.TryDuration(body.Timeout, TimeSpan.FromMinutes(30), out var timeout) || timeout <= TimeSpan.Zero)
        {
            return Problems.BadRequest("soak and timeout are durations such as 90s, 5m, 2h");
        }

        // The timeout runs from the command and the soak inside it: a soak as long as the timeout can never end before
        // it, so every healthy device would time out and be rolled back.
        if (soak >= timeout)
        {
            return Problems.BadRequest($"soak ({RolloutArguments.Format(soak)}) must be shorter than the timeout ({RolloutArguments.Format(timeout)}), "
                + "which must also leave time for the download and the install");
        }

        if (!RolloutArguments.TryFraction(body.PauseAt, 0.05, out var pauseAt) || !RolloutArguments.TryFraction(body.AbortAt, 0.2, out var abortAt))
        {
            return Problems.BadRequest("pause_at and abort_at are fractions of a wave in (0, 100%], such as 5% or 0.2");
        }

        if (body.MaxInFlight is < 1 or > 1_000_000)
        {
            return Problems.BadRequest("max_in_flight must be 1-1000000");
        }

        // The target: all devices, a tag selector, or a list of serials. An empty list or selector is a mistake (an
        // empty serial file, a script's empty variable), never "everyone": only leaving the field out means the fleet.
        if (body.Serials is { Count: 0 })
        {
            return Problems.BadRequest("serials is empty: name at least one serial, or leave serials out to target every device");
        }

        if (body.TargetTags is { Count: 0 })
        {
            return Problems.BadRequest("target_tags is empty: give at least one tag, or leave target_tags out to target every device");
        }

        if (body.TargetTags is not null && body.Serials is not null)
        {
            return Problems.BadRequest("give target_tags or serials, not both");
        }

        // The binder lets a JSON null into a list or map of strings; the store cannot look one up.
        if (body.Serials?.Any(serial => serial is null) == true || body.TargetTags?.Any(tag => tag.Value is null) == true)
        {
            return Problems.BadRequest("serials and target_tags take strings, not null");
        }

        var query = new DeviceQuery(Tags: body.TargetTags, Serials: body.Serials, Limit: 10_000_000);
        var devices = await registry.ListDevicesAsync(pid, query, ct);
        if (body.Serials is { } named)
        {
            // A serial that is not a device of the product is a typo or the wrong list: dropping it silently would
            // leave a person believing that gateway was updated.
            var known = devices.Select(d => d.Serial).ToHashSet(StringComparer.Ordinal);
            var unknown = named.Where(serial => !known.Contains(serial)).Distinct(StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                return Problems.BadRequest($"{unknown.Count} serial{(unknown.Count == 1 ? " is" : "s are")} not a device of product {pid}: "
                    + string.Join(", ", unknown.Take(5)) + (unknown.Count > 5 ? $" and {unknown.Count - 5} more" : ""));
            }
        }
        // Only activated devices: a disabled one is refused by the device API, and one never activated has no gateway
        // behind it yet — it could only time out, and would be counted as a failure of the artifact.
        var targeted = devices.Where(d => d.Status == DeviceStatus.Activated).ToList();
        var serials = targeted.Select(d => d.Serial).ToList();
        if (serials.Count == 0)
        {
            var idle = devices.Count(d => d.Status == DeviceStatus.NotActivated);
            var disabled = devices.Count(d => d.Status == DeviceStatus.Disabled);
            return Problems.BadRequest(devices.Count == 0 ? "the target has no devices"
                : $"the target has no activated devices ({idle} never activated, {disabled} disabled)");
        }

        // The staging gate (seed 000): a release must succeed on the staging copy first.
        var stagingProducts = (await registry.ListProductsAsync(ct)).Where(p => p.StagingOf == pid).Select(p => p.Id).ToList();
        if (stagingProducts.Count > 0 && string.IsNullOrWhiteSpace(body.SkipStaging))
        {
            var passed = false;
            foreach (var staging in stagingProducts)
            {
                passed |= (await store.ListAsync(staging, activeOnly: false, ct))
                    .Any(r => r.Sha256 == item.Sha256 && r.Snapshot.Status == RolloutStatus.Succeeded);
            }

            if (!passed)
            {
                return Problems.Conflict($"{artifact} (sha256 {item.Sha256[..12]}…) has not succeeded on staging product {string.Join(", ", stagingProducts)} yet; "
                    + "roll it out there first, or skip the gate with a reason (skip_staging; outpost rollout create --skip-staging REASON)");
            }
        }

        var id = "ro_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var settings = new RolloutSettings(tarball.Name, tarball.Version, soak, pauseAt, abortAt, timeout, body.MaxInFlight ?? 1000,
            body.Rollback ?? true, body.ApproveBetweenWaves ?? false);
        var target = body.Serials is not null ? $"{body.Serials.Count} serials"
            : body.TargetTags is { } tags ? string.Join(",", tags.Select(t => $"{t.Key}={t.Value}")) : "all";
        var now = clock.GetUtcNow();
        var rollout = new Rollout(id, pid, artifact, item.Sha256, target, body.Waves ?? "1,10%,100%", settings,
            RolloutMachine.Plan(WavePlan.Order(id, serials), waves, await RunningVersionsAsync(targeted, tarball.Name, values, ct)), Caller(context), now, now, string.IsNullOrWhiteSpace(body.SkipStaging) ? null : body.SkipStaging);
        var outcome = await engine.CreateAsync(rollout, Caller(context), ct);
        if (!outcome.Created)
        {
            var other = outcome.Rollout;
            return Problems.Conflict(other.Snapshot.Status == RolloutStatus.RollingBack
                ? $"rollout {other.Id} is rolling back {outcome.Overlap} of these devices; wait for it to finish"
                : $"rollout {other.Id} is active on {outcome.Overlap} of these devices; wait for it, or cancel it first");
        }

        return Results.Created($"/api/v1/products/{pid}/rollouts/{id}", ToDto(outcome.Rollout, withDevices: false));
    }

    /// <summary>
    /// The version of <paramref name="app"/> each device last reported: what a rollback must bring it back to. Without
    /// it, any version but the new one would pass for "rolled back".
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, string>> RunningVersionsAsync(IReadOnlyList<Device> devices, string app, IValueStore values, CancellationToken ct)
    {
        var latest = await values.ReadLatestManyAsync(devices.Select(d => d.Id).ToList(), [GatewayAliases.EngineReport], ct);
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            if (!latest.TryGetValue(device.Id, out var reported) || !reported.TryGetValue(GatewayAliases.EngineReport, out var report))
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize(report.Value, ReportsJsonContext.Default.EngineReport)?.Find(app)?.Version is { } version)
                {
                    versions[device.Serial] = version;
                }
            }
            catch (JsonException)
            {
                // A malformed report tells nothing: that device's rollback is judged as before (any other version).
            }
        }

        return versions;
    }

    private static async Task<IResult> ListAsync(string pid, IRegistryStore registry, IRolloutStore store, CancellationToken ct) =>
        await registry.GetProductAsync(pid, ct) is null
            ? Problems.NotFound($"no product {pid}")
            : Results.Ok((await store.ListAsync(pid, activeOnly: false, ct)).Select(r => ToDto(r, withDevices: false)).ToList());

    private static async Task<IResult> GetAsync(string pid, string id, bool? devices, IRolloutStore store, CancellationToken ct)
    {
        var rollout = await store.GetAsync(id, ct);
        return rollout is null || rollout.ProductId != pid ? Problems.NotFound($"no rollout {id} in product {pid}") : Results.Ok(ToDto(rollout, devices == true));
    }

    private static async Task<IResult> ActAsync(HttpContext context, string pid, string id, RolloutInputKind kind, string? reason, RolloutEngine engine, CancellationToken ct)
    {
        // This read only checks the product. Whether the command applies is the engine's decision under its lock: by
        // then the rollout may have moved on (the ticker, a device, another operator), so this copy must not judge it.
        var found = await context.RequestServices.GetRequiredService<IRolloutStore>().GetAsync(id, ct);
        if (found is null || found.ProductId != pid)
        {
            return Problems.NotFound($"no rollout {id} in product {pid}");
        }

        var outcome = await engine.CommandAsync(id, kind, Caller(context), reason, ct);
        if (outcome is null)
        {
            return Problems.NotFound($"no rollout {id} in product {pid}");
        }

        return outcome.Applied
            ? Results.Ok(ToDto(outcome.Rollout, withDevices: false))
            : Problems.Conflict($"cannot {kind.ToString().ToLowerInvariant()} a rollout that is {StatusName(outcome.Rollout.Snapshot.Status)}");
    }

    private static async Task<IResult> AuditAsync(string pid, string? rollout, IRegistryStore registry, IRolloutStore store, CancellationToken ct) =>
        await registry.GetProductAsync(pid, ct) is null
            ? Problems.NotFound($"no product {pid}")
            : Results.Ok((await store.ReadAuditAsync(pid, rollout, ct)).Select(a => new AuditDto(a.RolloutId, a.Actor, a.Action, a.Detail, a.At)).ToList());

    private static string Caller(HttpContext context) =>
        context.Items[TokenAuthFilter.CallerItem] is ApiToken token ? $"{token.Name} ({token.Id})" : "unknown";

    internal static RolloutDto ToDto(Rollout r, bool withDevices)
    {
        static string Name(DeviceRolloutState s) => s switch
        {
            DeviceRolloutState.TimedOut => "timed_out",
            DeviceRolloutState.RollingBack => "rolling_back",
            DeviceRolloutState.RolledBack => "rolled_back",
            DeviceRolloutState.NotReached => "not_reached",
            _ => s.ToString().ToLowerInvariant(),
        };

        static IReadOnlyDictionary<string, int> Count(IEnumerable<RolloutDevice> devices) =>
            devices.GroupBy(d => Name(d.State)).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());

        var s = r.Snapshot;
        var perWave = Enumerable.Range(0, s.WaveCount)
            .Select(w => new WaveDto(w + 1, s.Devices.Count(d => d.Wave == w), Count(s.Devices.Where(d => d.Wave == w))))
            .ToList();
        return new RolloutDto(r.Id, r.ProductId, r.Artifact, r.Sha256, r.Settings.App, r.Settings.Version, r.Target, r.Waves, StatusName(s.Status),
            s.Wave + 1, s.WaveCount, s.Reason, Count(s.Devices), perWave, RolloutArguments.Format(r.Settings.Soak), r.Settings.PauseAt,
            r.Settings.AbortAt, RolloutArguments.Format(r.Settings.DeviceTimeout), r.Settings.MaxInFlight, r.Settings.RollbackOnAbort,
            r.Settings.ApproveBetweenWaves, r.CreatedBy, r.Created, r.Updated, r.SkipStagingReason,
            withDevices ? s.Devices.Select(d => new RolloutDeviceDto(d.Serial, d.Wave + 1, Name(d.State), d.CommandedAt, d.Reason)).ToList() : null);
    }

    /// <summary>A status as the API and the CLI spell it (<c>awaiting_approval</c>).</summary>
    private static string StatusName(RolloutStatus status) => status switch
    {
        RolloutStatus.AwaitingApproval => "awaiting_approval",
        RolloutStatus.RollingBack => "rolling_back",
        RolloutStatus.RolledBack => "rolled_back",
        _ => status.ToString().ToLowerInvariant(),
    };
}
