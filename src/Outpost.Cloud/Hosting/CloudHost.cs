using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Outpost.Cloud.Content;
using Outpost.Cloud.DeviceApi;
using Outpost.Cloud.Ingest;
using Outpost.Cloud.Management;
using Outpost.Cloud.Registry;
using Outpost.Cloud.Rollouts;
using Outpost.Cloud.Rules;
using Outpost.Cloud.Storage;
using Outpost.Cloud.Stream;

namespace Outpost.Cloud.Hosting;

/// <summary>
/// Builds the cloud node: Kestrel, the store behind its seams, the write path, the device API and the management API.
/// Called by <c>outpost serve</c> and by tests, which run it in-process on a loopback port.
/// </summary>
internal static class CloudHost
{
    public static WebApplication Build(CloudOptions options, TimeProvider? clock = null, Action<ILoggingBuilder>? logging = null, Action<IServiceCollection>? configure = null)
    {
        // Checked before anything starts: a limit out of its range (CloudOptions' attributes) fails the start in one line.
        System.ComponentModel.DataAnnotations.Validator.ValidateObject(options, new System.ComponentModel.DataAnnotations.ValidationContext(options), validateAllProperties: true);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(10));
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(6); // longer than the longest long poll
        });
        logging?.Invoke(builder.Logging);
        // Hosting's per-request log (start/finish lines, at Information) is never shown, but while any level of it is
        // enabled ASP.NET Core still creates an Activity and a log scope for every request; failures are logged by
        // ErrorBoundary and Kestrel.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(clock ?? TimeProvider.System);
        services.AddSingleton<DataDirectoryLock>();
        services.AddSingleton(new SqliteDatabase(options.DatabasePath));
        services.AddSingleton<IRegistryStore, SqliteRegistryStore>();
        services.AddSingleton<SqliteValueStore>();
        services.AddSingleton<IValueStore>(sp => sp.GetRequiredService<SqliteValueStore>());
        services.AddSingleton<IContentCatalog, SqliteContentCatalog>();
        services.AddSingleton<ITokenStore, SqliteTokenStore>();
        services.AddSingleton(sp => new ContentStore(sp.GetRequiredService<IContentCatalog>(), options.ContentDirectory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IChangeNotifier, InProcessChangeNotifier>();
        services.AddSingleton<IEventStream, SqliteEventStream>();
        services.AddSingleton<DeviceRateLimiter>();
        services.AddSingleton<WritePath>();
        services.AddHostedService(sp => sp.GetRequiredService<WritePath>());
        services.AddHostedService<EventRetention>();
        services.AddSingleton<IRolloutStore, SqliteRolloutStore>();
        services.AddSingleton<RolloutEngine>();
        services.AddHostedService<RolloutEventConsumer>();
        services.AddHostedService<RolloutTicker>();
        services.AddSingleton<LastSeenTracker>();
        services.AddHostedService(sp => sp.GetRequiredService<LastSeenTracker>());
        services.AddRules(options);
        services.AddSingleton<DeviceApiHandlers>();
        services.AddSingleton<LegacyContentHandlers>();
        services.AddProblemDetails();
        services.AddOpenApi("v1", openApi => openApi.AddDocumentTransformer<OpenApiBearerScheme>());
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.DictionaryKeyPolicy = null;
            json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
            // A misspelt field is an error, not a call that "succeeded" without it (a PATCH of {"nmae": …} changed nothing).
            json.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        });
        // A body that does not bind reaches ErrorBoundary as an exception, which names where in the JSON it went wrong.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(route => route.ThrowOnBadRequest = true);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(15));
        configure?.Invoke(services);

        var app = builder.Build();
        app.UseMiddleware<ErrorBoundary>();
        app.UseStatusCodePages(async context =>
        {
            // Bodiless errors (routing misses, a JSON body that did not bind) get a one-line reason: problem details
            // on the management API, plain text on the device API.
            var response = context.HttpContext.Response;
            if (!response.HasStarted && response.ContentLength is null)
            {
                await ErrorBoundary.WriteAsync(context.HttpContext, response.StatusCode, response.StatusCode switch
                {
                    400 => "bad request: the body is not the JSON this call takes",
                    404 => "not found",
                    405 => "method not allowed",
                    415 => "unsupported content type: send application/json",
                    _ => "request refused",
                });
            }
        });

        app.Use(EscapedSlashes.DecodeAsync);
        app.UseWhen(TextBodyGuard.Applies, branch => branch.UseMiddleware<TextBodyGuard>());
        DeviceApiRoutes.Map(app);
        var api = app.MapGroup("/api/v1");
        api.MapGet("/health", () => Results.Ok(new Management.Contracts.HealthDto("ok", VersionInfo.Text))).WithTags("Health").WithName("Health").Produces<Management.Contracts.HealthDto>();
        ProductsApi.Map(api);
        DevicesApi.Map(api);
        ContentApi.Map(api, options);
        TokensApi.Map(api);
        EventsApi.Map(api);
        RolloutsApi.Map(api);
        RulesApi.Map(api);
        FleetApi.Map(api);
        app.MapOpenApi("/api/v1/openapi.json");
        return app;
    }

    /// <summary>Creates the store and adds the admin token of <see cref="CloudOptions.AdminToken"/>, if given.</summary>
    public static async Task InitializeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var options = app.Services.GetRequiredService<CloudOptions>();
        OwnerOnly.CreateDirectory(options.DataDirectory);
        app.Services.GetRequiredService<DataDirectoryLock>().Acquire(options.DataDirectory);
        // A data directory from before it was made owner-only: the database and its WAL hold every device value. The
        // directory itself keeps its mode (--data may name one that others use too).
        foreach (var file in new[] { "outpost.db", "outpost.db-wal", "outpost.db-shm" })
        {
            OwnerOnly.Restrict(Path.Join(options.DataDirectory, file));
        }

        Directory.CreateDirectory(options.ContentDirectory);
        app.Services.GetRequiredService<SqliteDatabase>().Initialize();
        var leftovers = await app.Services.GetRequiredService<ContentStore>().SweepAsync(cancellationToken);
        if (leftovers.Count > 0)
        {
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ContentStore)).ContentSwept(leftovers.Count, options.ContentDirectory);
        }

        if (!string.IsNullOrEmpty(options.AdminToken))
        {
            var tokens = app.Services.GetRequiredService<ITokenStore>();
            var hash = TokenSecret.Hash(options.AdminToken);
            if (await tokens.FindByHashAsync(hash, cancellationToken) is null)
            {
                var clock = app.Services.GetRequiredService<TimeProvider>();
                await tokens.AddAsync(new ApiToken(TokenSecret.NewId(), "admin (OUTPOST_ADMIN_TOKEN)", TokenRole.Admin, clock.GetUtcNow(), null), hash, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Makes an admin token when the store has no active one; returns its secret, to print once. Called once the node
    /// listens: a start that fails (port in use) must not make the one token nobody ever sees.
    /// </summary>
    public static async Task<string?> MintFirstAdminTokenAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var tokens = app.Services.GetRequiredService<ITokenStore>();
        if (await tokens.CountActiveAsync(cancellationToken) > 0)
        {
            return null;
        }

        var clock = app.Services.GetRequiredService<TimeProvider>();
        var secret = TokenSecret.New();
        await tokens.AddAsync(new ApiToken(TokenSecret.NewId(), "admin", TokenRole.Admin, clock.GetUtcNow(), null), TokenSecret.Hash(secret), cancellationToken);
        return secret;
    }
}
