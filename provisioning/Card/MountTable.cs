using System.Text;

namespace Edge.Provisioning.Card;

/// <summary>A mounted file system: where it is mounted and its type as the kernel names it (vfat, ext4, ...).</summary>
public sealed record Mount(string MountPoint, string Type);

/// <summary>
/// Which file system a folder is on. Linux: <c>/proc/self/mountinfo</c> (proc(5)), the mount whose mount point is the
/// longest prefix of the folder's real path; elsewhere the drive's format as .NET reports it.
/// </summary>
public static class MountTable
{
    /// <summary>Names of FAT file systems: Linux (vfat, msdos), macOS (msdos), Windows (FAT, FAT32).</summary>
    public static readonly IReadOnlyList<string> FatTypes = ["vfat", "msdos", "fat", "fat12", "fat16", "fat32"];

    public static bool IsFat(string type) => FatTypes.Contains(type, StringComparer.OrdinalIgnoreCase);

    /// <summary>The file system type of the folder at <paramref name="path"/> (which must exist).</summary>
    public static string TypeOf(string path)
    {
        var real = RealPath(path);
        if (OperatingSystem.IsLinux())
        {
            return Find(Parse(File.ReadAllText("/proc/self/mountinfo")), real)?.Type ?? "unknown";
        }

        return new DriveInfo(Path.GetPathRoot(real) ?? real).DriveFormat;
    }

    /// <summary>Lines of mountinfo: <c>36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw</c>.</summary>
    public static List<Mount> Parse(string mountinfo)
    {
        var mounts = new List<Mount>();
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-", 6);
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }

            mounts.Add(new Mount(Unescape(fields[4]), fields[separator + 1]));
        }

        return mounts;
    }

    /// <summary>The mount holding <paramref name="realPath"/>: the longest mount point over it, the last mounted on a tie.</summary>
    public static Mount? Find(IEnumerable<Mount> mounts, string realPath) =>
        mounts.Select((m, i) => (Mount: m, Order: i))
            .Where(m => Covers(m.Mount.MountPoint, realPath))
            .OrderByDescending(m => m.Mount.MountPoint.Length).ThenByDescending(m => m.Order)
            .Select(m => m.Mount).FirstOrDefault();

    private static bool Covers(string mountPoint, string path) =>
        mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>mountinfo writes space, tab, newline and backslash in paths as octal escapes (\040).</summary>
    private static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }

        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 3 < text.Length && text[(i + 1)..(i + 4)].All(c => c is >= '0' and <= '7'))
            {
                bytes.Add(Convert.ToByte(text[(i + 1)..(i + 4)], 8));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>The path with every symbolic link on the way resolved, as the kernel sees it.</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var resolved = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(resolved, part);
            var info = new DirectoryInfo(next);
            resolved = info.LinkTarget is not null ? info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? next : next;
        }

        return resolved;
    }
}
