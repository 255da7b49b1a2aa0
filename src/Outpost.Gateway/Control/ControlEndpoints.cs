using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Outpost.Gateway.Daemon;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Supervisor;

namespace Outpost.Gateway.Control;

/// <summary>The control API the <c>gwe</c> CLI talks to over <c>&lt;home&gt;/gwe.sock</c> (HTTP/1.1, JSON).</summary>
/// <remarks>
/// <para>Job: turn <c>gwe status/start/stop/restart/tail/reread/update</c> into calls on the daemon's components.
/// Called by Kestrel, listening on the unix socket only (mode 0600: whoever may touch the socket may run the apps).</para>
/// <code>
///  GET  /v1/status?name=a&amp;name=b   → StatusReply (gwe, gmq and the apps, sorted) | 404 ErrorReply for an unknown name
///  POST /v1/start|stop|restart/{name|all} → ActionReply (200 when all went well, 409 when one failed) | 404 | 400 (gwe, gmq)
///  GET  /v1/tail/{name}?bytes=N&amp;follow=true → text/plain, the last N bytes of its stdout log, then (follow) appends
///  POST /v1/reread                    → ChangesReply (what update would do) | 400 ErrorReply (bad conf)
///  POST /v1/update                    → ChangesReply (what was done)        | 400
/// </code>
/// <para><c>gwe</c> and <c>gmq</c> are the daemon itself and its in-process queue: both show the daemon's pid, and
/// neither can be started or stopped through the socket (the init system owns the daemon).</para>
/// </remarks>
internal sealed class ControlEndpoints(SupervisorService apps, GmqService gmq, IGmqStatistics gmqStatistics, DaemonInfo daemon, TimeProvider time)
{
    private const string All = "all";
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>Maps the routes onto <paramref name="routes"/>.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/status", (HttpRequest request, CancellationToken ct) => StatusAsync(request.Query["name"].OfType<string>().ToList(), ct));
        routes.MapPost("/v1/{verb}/{name}", (string verb, string name, CancellationToken ct) => ActAsync(verb, name, ct));
        // bytes and follow are read here, not bound: a value that does not parse (?bytes=abc) must be a 400 that says so
        // in the {"error": …} every other refusal has, not the framework's empty 400.
        routes.MapGet("/v1/tail/{name}", (string name, HttpContext context) => TailQuery.TryParse(context.Request.Query, out var bytes, out var follow, out var problem)
            ? TailAsync(name, bytes, follow, context)
            : Task.FromResult(Error(StatusCodes.Status400BadRequest, problem)));
        routes.MapPost("/v1/reread", (CancellationToken ct) => ChangesAsync(apps.RereadAsync, ct));
        routes.MapPost("/v1/update", (CancellationToken ct) => ChangesAsync(apps.UpdateAsync, ct));
    }

    /// <summary>The status lines for <paramref name="names"/> (all when empty).</summary>
    public async Task<IResult> StatusAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var entries = await EntriesAsync(cancellationToken);
        if (names.Count == 0)
        {
            return Results.Json(new StatusReply(entries), ControlJsonContext.Default.StatusReply);
        }

        var byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        if (names.FirstOrDefault(n => !byName.ContainsKey(n)) is { } unknown)
        {
            return Error(StatusCodes.Status404NotFound, $"{unknown}: ERROR (no such process)");
        }

        return Results.Json(new StatusReply([.. names.Distinct(StringComparer.Ordinal).Select(n => byName[n])]), ControlJsonContext.Default.StatusReply);
    }

    private async Task<List<StatusEntry>> EntriesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entries = new List<StatusEntry>();
        var up = now - daemon.StartedAt;
        entries.Add(new StatusEntry("gwe", "RUNNING", daemon.Pid, (long)up.TotalSeconds, null, 0, $"pid {daemon.Pid}, uptime {StatusText.Uptime(up)}"));
        entries.Add(gmq.Queue is not null && gmq.StartedAt is { } since
            ? new StatusEntry("gmq", "RUNNING", daemon.Pid, (long)(now - since).TotalSeconds, null, 0, GmqDescription.Of(daemon.Pid, now - since, gmqStatistics.Current, gmqStatistics.Link, now))
            : new StatusEntry("gmq", "STOPPED", null, 0, null, 0, "Not started"));
        foreach (var s in await apps.Supervisor.GetStatusAsync(cancellationToken))
        {
            entries.Add(new StatusEntry(s.Name, s.State.ToString().ToUpperInvariant(), s.Pid, (long)s.Uptime.TotalSeconds, s.ExitCode, s.Restarts, s.Description));
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return entries;
    }

    private async Task<IResult> ActAsync(string verb, string name, CancellationToken cancellationToken)
    {
        if (verb is not ("start" or "stop" or "restart"))
        {
            return Error(StatusCodes.Status404NotFound, $"unknown action '{verb}'");
        }

        if (name is "gwe" or "gmq")
        {
            return Error(StatusCodes.Status400BadRequest, $"{name}: ERROR (part of the gwe daemon; restart the daemon instead)");
        }

        var statuses = await apps.Supervisor.GetStatusAsync(cancellationToken);
        List<string> targets;
        if (name == All)
        {
            // supervisorctl's "all": start what is not up, stop what is up, restart everything.
            targets = [.. statuses
                .Where(s => verb switch
                {
                    "start" => s.State is not (ProcessState.Running or ProcessState.Starting or ProcessState.Stopping),
                    "stop" => s.State is ProcessState.Running or ProcessState.Starting or ProcessState.Backoff,
                    _ => true,
                })
                .Select(s => s.Name)];
        }
        else if (statuses.Any(s => s.Name == name))
        {
            targets = [name];
        }
        else
        {
            return Error(StatusCodes.Status404NotFound, $"{name}: ERROR (no such process)");
        }

        var lines = new List<string>();
        var ok = true;
        foreach (var target in targets)
        {
            if (verb is "stop" or "restart")
            {
                var stopped = await apps.Supervisor.StopAsync(target, cancellationToken);
                var notRunning = stopped.Error?.EndsWith("(not running)", StringComparison.Ordinal) == true;
                if (stopped.Ok)
                {
                    lines.Add($"{target}: stopped");
                }
                else if (!(verb == "restart" && notRunning))
                {
                    lines.Add(stopped.Error!);
                    ok = false;
                    continue;
                }
            }

            if (verb is "start" or "restart")
            {
                var started = await apps.Supervisor.StartAsync(target, cancellationToken);
                lines.Add(started.Ok ? $"{target}: started" : started.Error!);
                ok &= started.Ok;
            }
        }

        return Results.Json(new ActionReply(ok, lines), ControlJsonContext.Default.ActionReply, statusCode: ok ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
    }

    private async Task<IResult> TailAsync(string name, long bytes, bool follow, HttpContext context)
    {
        // A gwe tail -f ends with the daemon too: Kestrel's graceful stop waits for open requests, so a follow that
        // watched only its client held SIGTERM up for the whole shutdown timeout (2 minutes).
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(
            context.RequestAborted, context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        var cancellationToken = ends.Token;
        if (name is "gwe" or "gmq")
        {
            return Error(StatusCodes.Status400BadRequest, $"{name}: ERROR (its log is the daemon's own output)");
        }

        if (!(await apps.Supervisor.GetStatusAsync(cancellationToken)).Any(s => s.Name == name))
        {
            return Error(StatusCodes.Status404NotFound, $"{name}: ERROR (no such process)");
        }

        if (apps.Supervisor.StdoutLogPath(name) is not { } path)
        {
            return Error(StatusCodes.Status400BadRequest, $"{name}: ERROR (no log file)");
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.StartAsync(cancellationToken);
        var body = context.Response.Body;
        long position = -1;
        try
        {
            do
            {
                position = await CopyNewAsync(path, position, Math.Max(0, bytes), body, cancellationToken);
                await body.FlushAsync(cancellationToken);
                if (follow)
                {
                    await Task.Delay(FollowPoll, time, cancellationToken);
                }
            }
            while (follow);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away (Ctrl-C on gwe tail -f) or the daemon is stopping: nothing to report.
        }

        return Results.Empty;
    }

    /// <summary>Copies what the log has past <paramref name="position"/> (or its last <paramref name="lastBytes"/> on the
    /// first call) and returns the new position; a file that shrank was rotated, so it is read again from the start.</summary>
    private static async Task<long> CopyNewAsync(string path, long position, long lastBytes, Stream output, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return position < 0 ? 0 : position; // not written yet
        }

        await using (file)
        {
            var length = file.Length;
            var from = position < 0 ? Math.Max(0, length - lastBytes) : position > length ? 0 : position;
            file.Position = from;
            await file.CopyToAsync(output, cancellationToken);
            return file.Position;
        }
    }

    private static async Task<IResult> ChangesAsync(Func<CancellationToken, Task<UpdateResult>> action, CancellationToken cancellationToken)
    {
        try
        {
            var r = await action(cancellationToken);
            return Results.Json(new ChangesReply(r.Added, r.Changed, r.Removed, r.Failed), ControlJsonContext.Default.ChangesReply);
        }
        catch (InvalidDataException ex)
        {
            return Error(StatusCodes.Status400BadRequest, ex.Message);
        }
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new ErrorReply(message), ControlJsonContext.Default.ErrorReply, statusCode: status);
}
