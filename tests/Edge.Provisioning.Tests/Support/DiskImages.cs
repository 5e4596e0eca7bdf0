namespace Edge.Provisioning.Tests.Support;

/// <summary>
/// Disk images as an image build makes them: a partition table written by sfdisk (util-linux) and a FAT file system
/// made by mkfs.vfat at the partition's offset, inside an ordinary file; nothing is mounted.
/// </summary>
public static class DiskImages
{
    public const long Sector = 512;

    /// <summary>Linux file system partition type (GPT).</summary>
    public const string LinuxGuid = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

    /// <summary>EFI system partition type (GPT).</summary>
    public const string EfiGuid = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";

    /// <summary>A Raspberry Pi style image: partition 1 FAT32 (type 0x0c) from sector 8192, 64 MiB; partition 2 Linux.</summary>
    public static string PiImage(string path)
    {
        Create(path, 160);
        Tools.Run("sfdisk", "label: dos\nstart=8192, size=131072, type=c\nstart=139264, type=83\n", "--quiet", path);
        Format(path, 8192, 131072);
        return path;
    }

    /// <summary>A GPT image whose FAT (EFI system) partition is the second, after a Linux one.</summary>
    public static string GptImage(string path)
    {
        Create(path, 160);
        Tools.Run("sfdisk", $"label: gpt\nstart=2048, size=65536, type={LinuxGuid}\nstart=67584, size=131072, type={EfiGuid}\n", "--quiet", path);
        Format(path, 67584, 131072);
        return path;
    }

    /// <summary>An image with a partition table but only a Linux partition.</summary>
    public static string LinuxOnlyImage(string path)
    {
        Create(path, 64);
        Tools.Run("sfdisk", "label: dos\nstart=2048, type=83\n", "--quiet", path);
        return path;
    }

    public static long OffsetOf(long startSector) => startSector * Sector;

    private static void Create(string path, int mebibytes)
    {
        using var file = new FileStream(path, FileMode.Create);
        file.SetLength(mebibytes * 1024L * 1024);
    }

    private static void Format(string path, long startSector, long sectors) =>
        // mkfs.vfat counts the file system's size in 1 KiB blocks; -F 32 as a Pi's boot partition is.
        Tools.Run("mkfs.vfat", null, "-F", "32", "--offset", startSector.ToString(System.Globalization.CultureInfo.InvariantCulture), path,
            (sectors * Sector / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
