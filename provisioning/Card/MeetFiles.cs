namespace Edge.Provisioning.Card;

/// <summary>A file or folder of the meet folder, by its path relative to the folder ('/' separated).</summary>
public sealed record MeetEntry(string RelativePath, string FullPath, bool IsFolder, long Length);

/// <summary>
/// What of a meet folder goes onto the card: every file and folder except hidden ones (a laptop's .DS_Store, an
/// editor's swap file, a staging folder left by an interrupted <c>new</c>), with names FAT can hold.
/// </summary>
public static class MeetFiles
{
    /// <summary>Characters a FAT long file name cannot hold.</summary>
    private static readonly char[] NotOnFat = ['"', '*', '/', ':', '<', '>', '?', '\\', '|'];

    public static IReadOnlyList<MeetEntry> List(string meetDir)
    {
        var entries = new List<MeetEntry>();
        Add(new DirectoryInfo(meetDir), "", entries);
        return entries;
    }

    private static void Add(DirectoryInfo folder, string prefix, List<MeetEntry> entries)
    {
        var children = folder.EnumerateFileSystemInfos().Where(c => !c.Name.StartsWith('.')).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        // FAT compares names without case: "Logo.png" and "logo.png" would be one file on the card.
        if (children.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ProvisionException($"{folder.FullName} holds {string.Join(" and ", twice.Select(c => c.Name))}: a FAT card cannot tell them apart; rename one");
        }

        foreach (var child in children)
        {
            if (child.Name.IndexOfAny(NotOnFat) >= 0 || child.Name.Any(char.IsControl) || child.Name.EndsWith('.') || child.Name.EndsWith(' ') || child.Name.Length > 255)
            {
                throw new ProvisionException($"{child.FullName}: a FAT card cannot hold this name (no \" * : < > ? \\ | or control characters, no '.' or space at the end); rename it");
            }

            var relative = prefix + child.Name;
            if (child is DirectoryInfo sub)
            {
                entries.Add(new MeetEntry(relative, sub.FullName, IsFolder: true, 0));
                Add(sub, relative + "/", entries);
            }
            else if (child is FileInfo file)
            {
                entries.Add(new MeetEntry(relative, file.FullName, IsFolder: false, file.Length));
            }
        }
    }
}
