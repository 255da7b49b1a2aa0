namespace Outpost.Cloud.DeviceApi;

/// <summary>The device API's routes (Exosite's paths, kept exactly).</summary>
internal static class DeviceApiRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var device = app.MapGroup("").WithTags("Device API").ExcludeFromDescription();
        // Plain request delegates on the singleton handlers: every device request skips the per-request parameter
        // binding and DI scope a delegate with service parameters costs (the device API's hot path is ~10^4/s).
        var handlers = app.ServiceProvider.GetRequiredService<DeviceApiHandlers>();
        device.MapPost("/provision/activate", c => handlers.ActivateAsync(c));
        device.MapPost("/onep:v1/stack/alias", c => handlers.WriteAsync(c));
        device.MapGet("/onep:v1/stack/alias", c => handlers.ReadAsync(c));
        device.MapPost("/onep:v1/stack/alias/{alias}", c => handlers.RecordAliasAsync(c, (string)c.Request.RouteValues["alias"]!));
        device.MapPost("/onep:v1/stack/record", c => handlers.RecordAsync(c));
        device.MapGet("/timestamp", c => handlers.TimestampAsync(c));
        device.MapGet("/provision/download", c => handlers.DownloadAsync(c));
        device.MapPost("/api/v1/device/records", c => handlers.BatchAsync(c));

        const string Manage = "/provision/manage/content/{model}";
        device.MapGet(Manage + "/", (HttpContext c, string model, LegacyContentHandlers h) => h.ListAsync(c, model));
        device.MapPost(Manage + "/", (HttpContext c, string model, LegacyContentHandlers h) => h.CreateOrDeleteAsync(c, model));
        device.MapPost(Manage + "/{id}", (HttpContext c, string model, string id, LegacyContentHandlers h) => h.UploadAsync(c, model, id));
        device.MapGet(Manage + "/{id}", (HttpContext c, string model, string id, LegacyContentHandlers h) => h.GetAsync(c, model, id));
        device.MapDelete(Manage + "/{id}", (HttpContext c, string model, string id, LegacyContentHandlers h) => h.DeleteAsync(c, model, id));
    }
}
