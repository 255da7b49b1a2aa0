namespace Outpost.Gateway.Apps;

/// <summary>The outcome of extracting a tarball into a slot.</summary>
/// <param name="Check">What the checks found while extracting; any problem means nothing was left on disk.</param>
/// <param name="SlotDirectory">The slot, present and complete when <see cref="Succeeded"/>.</param>
internal sealed record TarballExtraction(TarballCheckResult Check, string SlotDirectory)
{
    /// <summary>Whether the slot now holds the whole tarball.</summary>
    public bool Succeeded => Check.Passed;
}
