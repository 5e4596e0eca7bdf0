using System.Buffers.Binary;
using System.Text;

namespace Edge.Provisioning.Card;

/// <summary>The FAT partition of a disk image: where it starts and how long it is, in bytes.</summary>
public sealed record FatPartition(int Number, long Offset, long Length, string Type);

/// <summary>
/// Finds the boot (FAT) partition of a flashable image by reading its partition table, so the image is written
/// without being mounted (no root, no loop device). MBR: the first partition of a FAT or EFI type; a protective MBR
/// (type 0xEE) leads to the GPT, where the EFI system or Microsoft basic data partition is the FAT one.
/// </summary>
public static class PartitionTable
{
    /// <summary>Images are made with 512-byte sectors (a card's logical sector size).</summary>
    public const int SectorSize = 512;

    /// <summary>MBR types of FAT file systems: FAT12, FAT16 (&lt;32 MiB, CHS, LBA), FAT32 (CHS, LBA), EFI system.</summary>
    private static readonly byte[] FatTypes = [0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e, 0xef];

    private static readonly Guid EfiSystem = new("c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
    private static readonly Guid BasicData = new("ebd0a0a2-b9e5-4433-87c0-68b6b72699c7");

    /// <summary>Compressed images as they are downloaded: they must be unpacked before anything can be written into them.</summary>
    private static readonly (byte[] Magic, string Format, string Unpack)[] Compressed =
    [
        ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz", "xz -dk"),
        ([0x1F, 0x8B], "gzip", "gunzip -k"),
        ([0x28, 0xB5, 0x2F, 0xFD], "zstd", "zstd -d"),
        ([0x50, 0x4B, 0x03, 0x04], "zip", "unzip"),
    ];

    public static FatPartition FindFat(string image)
    {
        if (Directory.Exists(image))
        {
            throw new ProvisionException($"{image} is a folder; --image takes a disk image file (.img)");
        }

        if (!File.Exists(image))
        {
            throw new ProvisionException($"{image}: no such image file");
        }

        using var file = new FileStream(image, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var mbr = new byte[SectorSize];
        if (file.ReadAtLeast(mbr, SectorSize, throwOnEndOfStream: false) < SectorSize)
        {
            throw new ProvisionException($"{image} is {file.Length} bytes: too small to be a disk image");
        }

        foreach (var (magic, format, unpack) in Compressed)
        {
            if (mbr.AsSpan().StartsWith(magic))
            {
                throw new ProvisionException($"{image} is compressed ({format}): unpack it first ({unpack} {Path.GetFileName(image)}) and write into the .img");
            }
        }

        if (mbr[510] != 0x55 || mbr[511] != 0xAA)
        {
            throw new ProvisionException($"{image} has no partition table (no MBR signature in its first sector): is it a disk image?");
        }

        var entries = Enumerable.Range(0, 4).Select(i => MbrEntry(mbr, i)).ToList();
        FatPartition? found = null;
        if (entries.Any(e => e.Type == 0xEE))
        {
            found = FindInGpt(file, image);
        }
        else if (entries.FirstOrDefault(e => e.Sectors > 0 && FatTypes.Contains(e.Type)) is { Sectors: > 0 } fat)
        {
            found = new FatPartition(fat.Number, fat.FirstSector * SectorSize, fat.Sectors * SectorSize, $"MBR type 0x{fat.Type:x2}");
        }

        if (found is null)
        {
            var listed = entries.Where(e => e.Sectors > 0).Select(e => $"{e.Number}: type 0x{e.Type:x2}").ToList();
            throw new ProvisionException($"{image} has no FAT partition (partitions: {(listed.Count == 0 ? "none" : string.Join(", ", listed))}): is it an edge box image?");
        }

        if (found.Offset + found.Length > file.Length)
        {
            throw new ProvisionException($"{image}: partition {found.Number} ends at byte {found.Offset + found.Length:N0} but the file has {file.Length:N0}: the image is cut short (download it again)");
        }

        CheckBootSector(file, image, found);
        return found;
    }

    private static (int Number, byte Type, long FirstSector, long Sectors) MbrEntry(byte[] mbr, int index)
    {
        var entry = mbr.AsSpan(446 + 16 * index, 16);
        return (index + 1, entry[4], BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]), BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]));
    }

    private static FatPartition? FindInGpt(FileStream file, string image)
    {
        var header = Read(file, SectorSize, 92);
        if (!header.AsSpan(0, 8).SequenceEqual("EFI PART"u8))
        {
            throw new ProvisionException($"{image}: the MBR announces a GPT, but there is none in sector 1");
        }

        var entriesAt = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(72));
        var count = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(80));
        var size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(84));
        if (count is 0 or > 1024 || size is < 128 or > 4096 || entriesAt < 2 || entriesAt > file.Length / SectorSize)
        {
            throw new ProvisionException($"{image}: the GPT header is damaged ({count} entries of {size} bytes at sector {entriesAt})");
        }

        var entries = Read(file, entriesAt * SectorSize, (int)(count * size));
        for (var i = 0; i < count; i++)
        {
            var entry = entries.AsSpan((int)(i * size), (int)size);
            var type = new Guid(entry[..16]);
            if (type == EfiSystem || type == BasicData)
            {
                var first = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]);
                var last = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[40..]);
                return new FatPartition(i + 1, first * SectorSize, (last - first + 1) * SectorSize, type == EfiSystem ? "GPT EFI system" : "GPT basic data");
            }
        }

        return null;
    }

    /// <summary>A partition marked FAT must hold one: its first sector is a FAT boot sector.</summary>
    private static void CheckBootSector(FileStream file, string image, FatPartition partition)
    {
        var boot = Read(file, partition.Offset, SectorSize);
        var bytesPerSector = BinaryPrimitives.ReadUInt16LittleEndian(boot.AsSpan(11));
        var label = Encoding.ASCII.GetString(boot, 54, 5) + Encoding.ASCII.GetString(boot, 82, 5);
        if (boot[510] != 0x55 || boot[511] != 0xAA || bytesPerSector is not (512 or 1024 or 2048 or 4096) || !label.Contains("FAT", StringComparison.Ordinal))
        {
            throw new ProvisionException($"{image}: partition {partition.Number} ({partition.Type}) holds no FAT file system: was it ever formatted?");
        }
    }

    private static byte[] Read(FileStream file, long offset, int length)
    {
        var buffer = new byte[length];
        file.Position = offset;
        file.ReadAtLeast(buffer, length, throwOnEndOfStream: false);
        return buffer;
    }
}
