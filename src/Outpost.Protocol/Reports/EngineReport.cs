namespace Outpost.Protocol.Reports;

/// <summary>
/// The <c>engine_report</c> value (issue 6): the engine itself, every hosted app, and the GMQ queue. Written by gwe every
/// update interval and after every command; read by the rollout engine (is the app RUNNING at the new version?) and
/// produced by the fleet simulator. Serialise with <see cref="ReportsJsonContext"/>.
/// </summary>
/// <param name="Gwe">The engine's own version, commit and uptime.</param>
/// <param name="Apps">One single-key object per app, <c>[{"test_app": {…}}]</c>, as the seed's report has it.</param>
/// <param name="Gmq">The queue's statistics, or <see langword="null"/> when GMQ is not hosted.</param>
public sealed record EngineReport(GweInfo Gwe, IReadOnlyList<IReadOnlyDictionary<string, AppReport>> Apps, GmqReport? Gmq)
{
    /// <summary>The app named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public AppReport? Find(string name)
    {
        foreach (var entry in Apps)
        {
            if (entry.TryGetValue(name, out var app))
            {
                return app;
            }
        }

        return null;
    }
}
