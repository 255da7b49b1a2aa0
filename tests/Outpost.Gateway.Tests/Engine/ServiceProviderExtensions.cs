using Microsoft.Extensions.DependencyInjection;
using Outpost.Gateway.Apps;

namespace Outpost.Gateway.Tests.Engine;

internal static class ServiceProviderExtensions
{
    public static AppInventory GetInventory(this IServiceProvider services) => services.GetRequiredService<AppInventory>();
}
