namespace Outpost.Cloud.DeviceApi;

/// <summary>The device API's routes (Exosite's paths, kept exactly).</summary>
internal static class DeviceApiRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var device = app.MapGroup("").WithTags("Device API").ExcludeFromDescription();
        device.MapPost("/provision/activate", (HttpContext c, DeviceApiHandlers h) => h.ActivateAsync(c));
        device.MapPost("/onep:v1/stack/alias", (HttpContext c, DeviceApiHandlers h) => h.WriteAsync(c));
        device.MapGet("/onep:v1/stack/alias", (HttpContext c, DeviceApiHandlers h) => h.ReadAsync(c));
        device.MapPost("/onep:v1/stack/alias/{alias}", (HttpContext c, string alias, DeviceApiHandlers h) => h.RecordAliasAsync(c, alias));
        device.MapPost("/onep:v1/stack/record", (HttpContext c, DeviceApiHandlers h) => h.RecordAsync(c));
        device.MapGet("/timestamp", (HttpContext c, DeviceApiHandlers h) => h.TimestampAsync(c));
        device.MapGet("/provision/download", (HttpContext c, DeviceApiHandlers h) => h.DownloadAsync(c));
        device.MapPost("/api/v1/device/records", (HttpContext c, DeviceApiHandlers h) => h.BatchAsync(c));

        const string Manage = "/provision/manage/content/{model}";
        device.MapGet(Manage + "/", (HttpContext c, string model, LegacyContentHandlers h) => h.ListAsync(c, model));
        device.MapPost(Manage + "/", (HttpContext c, string model, LegacyContentHandlers h) => h.CreateOrDeleteAsync(c, model));
        device.MapPost(Manage + "/{id}", (HttpContext c, string model, string id, LegacyContentHandlers h) => h.UploadAsync(c, model, id));
        device.MapGet(Manage + "/{id}", (HttpContext c, string model, string id, LegacyContentHandlers h) => h.GetAsync(c, model, id));
        device.MapDelete(Manage + "/{id}", (HttpContext c, string model, string id, LegacyContentHandlers h) => h.DeleteAsync(c, model, id));
    }
}
