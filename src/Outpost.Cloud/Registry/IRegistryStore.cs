namespace Outpost.Cloud.Registry;

/// <summary>
/// The device registry: products, their resources, devices and their credentials.
/// The seam between the cloud and its store — SQLite by default, PostgreSQL at scale.
/// </summary>
internal interface IRegistryStore
{
    Task<bool> CreateProductAsync(Product product, CancellationToken cancellationToken);

    ValueTask<Product?> GetProductAsync(string productId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken);

    Task<bool> UpdateProductAsync(Product product, CancellationToken cancellationToken);

    Task<bool> DeleteProductAsync(string productId, CancellationToken cancellationToken);

    Task<bool> AddResourceAsync(string productId, Resource resource, CancellationToken cancellationToken);

    Task<bool> RemoveResourceAsync(string productId, string alias, bool purge, CancellationToken cancellationToken);

    Task<bool> HasValuesAsync(string productId, string alias, CancellationToken cancellationToken);

    /// <summary>Adds serials as <c>notactivated</c> devices; returns the serials that already existed.</summary>
    Task<IReadOnlyList<string>> AddDevicesAsync(
        string productId,
        IReadOnlyList<string> serials,
        IReadOnlyDictionary<string, string> tags,
        string metadata,
        DateTimeOffset now,
        CancellationToken cancellationToken);

    Task<Device?> GetDeviceAsync(string productId, string serial, CancellationToken cancellationToken);

    Task<IReadOnlyList<Device>> ListDevicesAsync(string productId, DeviceQuery query, CancellationToken cancellationToken);

    Task<int> CountDevicesAsync(string productId, CancellationToken cancellationToken);

    Task<Device?> UpdateDeviceAsync(string productId, string serial, DeviceChange change, CancellationToken cancellationToken);

    /// <summary>Disables a device: its CIK stops working at once.</summary>
    Task<bool> DisableDeviceAsync(string productId, string serial, CancellationToken cancellationToken);

    /// <summary>Re-enables a device: back to <c>notactivated</c>, old CIK void, so it can activate again.</summary>
    Task<bool> EnableDeviceAsync(string productId, string serial, CancellationToken cancellationToken);

    Task<bool> DeleteDeviceAsync(string productId, string serial, CancellationToken cancellationToken);

    Task<ActivationResult> ActivateAsync(string productId, string serial, string cikHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The activated device holding the CIK with this hash, or null. Hot path: cached.</summary>
    ValueTask<DeviceIdentity?> FindByCikHashAsync(string cikHash, CancellationToken cancellationToken);

    Task RecordLastSeenAsync(IReadOnlyDictionary<long, DateTimeOffset> lastSeen, CancellationToken cancellationToken);
}
