namespace Edge.Provisioning.Card;

/// <summary>
/// A card's boot partition mounted on this laptop (<c>/media/timer/bootfs</c>, <c>E:\</c>). Only a FAT file system
/// is taken: any other folder is most likely not the card (a home folder, the card's Linux root), and writing there
/// would leave the box without its meet.
/// </summary>
public sealed class MountedBootPartition : IBootPartition
{
    private readonly string _root;

    private MountedBootPartition(string root) => (_root, Description) = (root, root);

    public string Description { get; }

    public static MountedBootPartition Open(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new ProvisionException($"--boot {path}: no such folder (is the card mounted? its boot partition is usually /media/<you>/bootfs)");
        }

        var type = MountTable.TypeOf(path);
        if (!MountTable.IsFat(type))
        {
            throw new ProvisionException($"--boot {path} is on the {type} file system, not on FAT: it is not a card's boot partition. Give the mounted boot partition (usually /media/<you>/bootfs), or use --image for an image file");
        }

        return new MountedBootPartition(Path.GetFullPath(path));
    }

    /// <summary>A partition without the FAT check: the tests' folder on the machine's own file system.</summary>
    internal static MountedBootPartition Unchecked(string path) => new(Path.GetFullPath(path));

    public bool Exists(string folder) => Directory.Exists(Path.Combine(_root, folder));

    public void Delete(string folder)
    {
        Directory.Delete(Path.Combine(_root, folder), recursive: true);
        DurableFiles.SyncFolder(_root);
    }

    public void CopyIn(IReadOnlyList<MeetEntry> entries, string folder)
    {
        var target = Path.Combine(_root, folder);
        Directory.CreateDirectory(target);
        foreach (var entry in entries)
        {
            var to = Path.Combine(target, entry.RelativePath);
            if (entry.IsFolder)
            {
                Directory.CreateDirectory(to);
            }
            else
            {
                DurableFiles.Copy(entry.FullPath, to);
            }
        }

        foreach (var sub in entries.Where(e => e.IsFolder).Select(e => Path.Combine(target, e.RelativePath)).Append(target))
        {
            DurableFiles.SyncFolder(sub);
        }

        DurableFiles.SyncFolder(_root);
    }

    public void Rename(string from, string to)
    {
        Directory.Move(Path.Combine(_root, from), Path.Combine(_root, to));
        DurableFiles.SyncFolder(_root);
    }

    public byte[] ReadFile(string folder, string name) => File.ReadAllBytes(Path.Combine(_root, folder, name));
}
