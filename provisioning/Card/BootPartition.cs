namespace Edge.Provisioning.Card;

/// <summary>
/// A card's boot (FAT) partition, in an image file or mounted on this laptop: the few operations that replace the
/// meet folder on it. Names are of top-level folders (<c>meet</c>, <c>meet.new</c>, <c>meet.old</c>).
/// </summary>
public interface IBootPartition
{
    /// <summary>What the partition is, for progress lines ("partition 1 of edge.img", "/media/timer/bootfs").</summary>
    string Description { get; }

    bool Exists(string folder);

    void Delete(string folder);

    /// <summary>Creates <paramref name="folder"/> holding the meet folder's entries, flushed to the card.</summary>
    void CopyIn(IReadOnlyList<MeetEntry> entries, string folder);

    void Rename(string from, string to);

    /// <summary>A file's bytes as the card holds them (<c>meet/meet.json</c>).</summary>
    byte[] ReadFile(string folder, string name);
}

/// <summary>
/// Replaces the card's meet folder so that it is never half written: the new one is copied whole to
/// <c>meet.new</c>; then <c>meet</c> becomes <c>meet.old</c>, <c>meet.new</c> becomes <c>meet</c>, and only then is
/// <c>meet.old</c> removed. A card pulled at any step holds a whole folder (the new one, or the old one beside it).
/// </summary>
public static class MeetOnCard
{
    public const string Folder = "meet";
    public const string NewFolder = "meet.new";
    public const string OldFolder = "meet.old";

    public static void Replace(IBootPartition card, string meetDir, IReadOnlyList<MeetEntry> entries, TextWriter progress)
    {
        if (card.Exists(NewFolder))
        {
            progress.WriteLine($"removing {NewFolder} left by an earlier write that did not finish");
            card.Delete(NewFolder);
        }

        var bytes = entries.Sum(e => e.Length);
        progress.WriteLine($"copying {entries.Count(e => !e.IsFolder)} files ({Kilobytes(bytes)}) to {NewFolder} on {card.Description}");
        card.CopyIn(entries, NewFolder);

        if (card.Exists(Folder))
        {
            if (card.Exists(OldFolder))
            {
                card.Delete(OldFolder);
            }

            progress.WriteLine($"keeping the previous meet as {OldFolder} until the new one is in place");
            card.Rename(Folder, OldFolder);
        }

        card.Rename(NewFolder, Folder);
        if (card.Exists(OldFolder))
        {
            card.Delete(OldFolder);
        }

        var meetJson = Path.Combine(meetDir, Edge.Appliance.Meet.MeetLoader.MeetFile);
        if (!card.ReadFile(Folder, Edge.Appliance.Meet.MeetLoader.MeetFile).AsSpan().SequenceEqual(File.ReadAllBytes(meetJson)))
        {
            throw new ProvisionException($"{Folder}/meet.json on {card.Description} does not read back as written: the card may be failing");
        }

        progress.WriteLine($"{Folder}/ on {card.Description} holds the meet (meet.json read back and compared)");
    }

    private static string Kilobytes(long bytes) => bytes < 1024 ? $"{bytes} bytes" : $"{(bytes + 1023) / 1024:N0} KiB";
}
