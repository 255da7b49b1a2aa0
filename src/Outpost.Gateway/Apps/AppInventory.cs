using System.Text.Json;

namespace Outpost.Gateway.Apps;

/// <summary>
/// The persistent installed-apps record (<c>&lt;home&gt;/state/installed.json</c>) and the install journal beside it
/// (<c>install.journal</c>). Both are replaced atomically (<see cref="AtomicFile"/>); the record is the commit point
/// of every install and rollback. Used by the install pipeline and by engine_report. Not thread-safe: the pipeline
/// runs one change at a time.
/// </summary>
internal sealed class AppInventory(string stateDirectory)
{
    private readonly string _recordPath = Path.Join(stateDirectory, "installed.json");
    private readonly string _journalPath = Path.Join(stateDirectory, "install.journal");
    private List<InstalledApp>? _apps;

    /// <summary>Every installed app, by name.</summary>
    public IReadOnlyList<InstalledApp> Apps => Load();

    /// <summary>The app named <paramref name="name"/>, or null.</summary>
    public InstalledApp? Find(string name) => Load().FirstOrDefault(a => a.Name == name);

    /// <summary>Sets (or with <see langword="null"/> removes) one app and commits the record.</summary>
    public async Task SetAsync(string name, InstalledApp? app, CancellationToken cancellationToken)
    {
        var apps = Load().Where(a => a.Name != name).ToList();
        if (app is not null)
        {
            apps.Add(app);
        }

        apps.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        await AtomicFile.WriteAsync(_recordPath, JsonSerializer.Serialize(apps, AppsJsonContext.Default.ListInstalledApp), cancellationToken);
        _apps = apps;
    }

    /// <summary>The journal of an interrupted change, or null.</summary>
    public JournalEntry? ReadJournal()
    {
        if (!File.Exists(_journalPath))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(_journalPath), AppsJsonContext.Default.JournalEntry);
        }
        catch (JsonException)
        {
            // A torn journal cannot happen (atomic rename); a hand-edited one is treated as absent, but kept for a person.
            File.Move(_journalPath, _journalPath + ".unreadable", overwrite: true);
            return null;
        }
    }

    /// <summary>Records that a change begins.</summary>
    public Task BeginAsync(JournalEntry entry, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(_journalPath, JsonSerializer.Serialize(entry, AppsJsonContext.Default.JournalEntry), cancellationToken);

    /// <summary>Records that the change is over (committed or undone).</summary>
    public void End() => AtomicFile.Delete(_journalPath);

    private List<InstalledApp> Load()
    {
        if (_apps is not null)
        {
            return _apps;
        }

        _apps = File.Exists(_recordPath)
            ? JsonSerializer.Deserialize(File.ReadAllText(_recordPath), AppsJsonContext.Default.ListInstalledApp) ?? []
            : [];
        return _apps;
    }
}
