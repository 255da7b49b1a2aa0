namespace Outpost.Gateway.Apps;

/// <summary>
/// The install journal: what a change to an app is in the middle of. Written before the first step touches anything
/// and deleted after the installed-apps record was committed, so its presence at start-up means "interrupted".
/// </summary>
/// <param name="Operation"><c>install</c> or <c>rollback</c>.</param>
/// <param name="App">The app name.</param>
/// <param name="Version">The version being installed or restored.</param>
/// <param name="Slot">Its slot.</param>
/// <param name="NewSlot">True when the slot is created by this operation (so undoing removes it).</param>
/// <param name="CommandId">The engine_fetch id, echoed in the recovery's fetch_status.</param>
/// <param name="Target">The command target as written.</param>
/// <param name="Sha256">The tarball's sha256.</param>
/// <param name="Started">When the operation began.</param>
internal sealed record JournalEntry(
    string Operation,
    string App,
    string Version,
    string Slot,
    bool NewSlot,
    string? CommandId,
    string? Target,
    string? Sha256,
    DateTimeOffset Started);
