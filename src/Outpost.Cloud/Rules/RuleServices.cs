using Microsoft.AspNetCore.DataProtection;
using Outpost.Cloud.Hosting;
using Outpost.Cloud.Storage;
using Outpost.Cloud.Webhooks;

namespace Outpost.Cloud.Rules;

/// <summary>Registers the rules engine, its consumer and absence monitor, alerts and the webhook sender.</summary>
internal static class RuleServices
{
    public static IServiceCollection AddRules(this IServiceCollection services, CloudOptions options)
    {
        services.AddSingleton<IRuleStore, SqliteRuleStore>();
        services.AddSingleton(_ => new RuleSecrets(CreateProtection(Path.Combine(options.DataDirectory, "keys"))));
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<RuleEngine>();
        services.AddHostedService<RuleEventConsumer>();
        services.AddHostedService<AbsenceMonitor>();
        services.AddHostedService<WebhookSender>();
        return services;
    }

    /// <summary>Data Protection keyed by files in <paramref name="directory"/>, which only the service's user may read.</summary>
    private static IDataProtectionProvider CreateProtection(string directory)
    {
        OwnerOnly.CreateDirectory(directory);
        return DataProtectionProvider.Create(new DirectoryInfo(directory), builder => builder.SetApplicationName("outpost"));
    }
}
