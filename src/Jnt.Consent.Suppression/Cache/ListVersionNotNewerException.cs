namespace Jnt.Consent.Suppression.Cache;

/// <summary>
/// A load of list members was refused because that list's current version is the same or newer:
/// adding members to a live version this way could let a check see a list half loaded. Writers
/// that load a whole version from the durable store meet it when another writer activated the same
/// version first (see <see cref="ListLoading"/>).
/// </summary>
public sealed class ListVersionNotNewerException(ProhibitionListInfo list, Exception? inner = null)
    : InvalidOperationException(
        $"Prohibition list {list.Name} version {list.Version} is not newer than the current version: members can only be loaded into a version not yet active.",
        inner)
{
    public ProhibitionListInfo List { get; } = list;
}
