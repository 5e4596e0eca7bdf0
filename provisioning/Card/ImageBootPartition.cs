namespace Edge.Provisioning.Card;

/// <summary>The FAT partition inside a flashable image file, written with mtools at its byte offset.</summary>
public sealed class ImageBootPartition(string image, FatPartition partition) : IBootPartition
{
    private readonly Mtools _fat = new(image, partition.Offset);

    public string Description { get; } = $"partition {partition.Number} of {Path.GetFileName(image)}";

    public bool Exists(string folder) => _fat.Exists($"::/{folder}");

    public void Delete(string folder) => _fat.DeleteTree($"::/{folder}");

    public void CopyIn(IReadOnlyList<MeetEntry> entries, string folder)
    {
        _fat.MakeFolder($"::/{folder}");
        // mcopy -s takes the top-level entries and walks the folders itself.
        var top = entries.Where(e => !e.RelativePath.Contains('/', StringComparison.Ordinal)).Select(e => e.FullPath).ToList();
        if (top.Count > 0)
        {
            _fat.Copy(top, $"::/{folder}");
        }
    }

    public void Rename(string from, string to) => _fat.Rename($"::/{from}", $"::/{to}");

    public byte[] ReadFile(string folder, string name) => _fat.Read($"::/{folder}/{name}");
}
