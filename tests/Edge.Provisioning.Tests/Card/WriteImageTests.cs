using System.Security.Cryptography;
using Edge.Provisioning.Tests.Support;

namespace Edge.Provisioning.Tests.Card;

/// <summary>
/// <c>edge-provision write DIR --image</c> on real image files (sfdisk's partition tables, mkfs.vfat's FAT), read
/// back with mtools' own mdir and mtype, never with the code under test.
/// </summary>
public class WriteImageTests
{
    [Fact]
    public void The_meet_folder_lands_in_the_fat_partition_of_an_mbr_image_as_meet()
    {
        using var temp = new TempFolder();
        var image = DiskImages.PiImage(temp["edge.img"]);
        var dir = Meets.Written(temp);
        temp.Write("meet/logos/sponsor.txt", "Lakeside Running Club\n");
        temp.Write("meet/.DS_Store", "laptop litter");
        var linuxBefore = Hash(image, DiskImages.OffsetOf(139264), 1024 * 1024);

        var result = Cli.Run("write", dir, "--image", image);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("FAT boot partition 1 (MBR type 0x0c) at byte 4,194,304", result.Out, StringComparison.Ordinal);
        var drive = $"{image}@@{DiskImages.OffsetOf(8192)}";
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "meet.json")), Tools.Run("mtype", null, "-i", drive, "::/meet/meet.json"));
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "participants.csv")), Tools.Run("mtype", null, "-i", drive, "::/meet/participants.csv"));
        Assert.Equal("Lakeside Running Club\n", Tools.Run("mtype", null, "-i", drive, "::/meet/logos/sponsor.txt"));
        Assert.Equal(["::/meet/"], Lines(Tools.Run("mdir", null, "-b", "-i", drive, "::/")));
        Assert.Equal(["::/meet/logos/", "::/meet/meet.json", "::/meet/participants.csv"], Lines(Tools.Run("mdir", null, "-b", "-i", drive, "::/meet")).Order());
        // The Linux partition beside it is untouched.
        Assert.Equal(linuxBefore, Hash(image, DiskImages.OffsetOf(139264), 1024 * 1024));
    }

    [Fact]
    public void Writing_again_replaces_the_previous_meet_whole_and_leaves_no_new_or_old_folder()
    {
        using var temp = new TempFolder();
        var image = DiskImages.PiImage(temp["edge.img"]);
        var dir = Meets.Written(temp);
        temp.Write("meet/notes.txt", "first version\n");
        Assert.Equal(0, Cli.Run("write", dir, "--image", image).ExitCode);

        File.Delete(temp["meet/notes.txt"]);
        temp.Write("meet/participants.csv", "bib,first_name,last_name,gender,age,race\n7,Di,Oz,F,50,10k\n");
        var again = Cli.Run("write", dir, "--image", image);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("keeping the previous meet as meet.old", again.Out, StringComparison.Ordinal);
        var drive = $"{image}@@{DiskImages.OffsetOf(8192)}";
        Assert.Equal(["::/meet/"], Lines(Tools.Run("mdir", null, "-b", "-i", drive, "::/")));
        Assert.Equal(["::/meet/meet.json", "::/meet/participants.csv"], Lines(Tools.Run("mdir", null, "-b", "-i", drive, "::/meet")).Order());
        Assert.Contains("7,Di,Oz", Tools.Run("mtype", null, "-i", drive, "::/meet/participants.csv"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_gpt_image_is_written_into_its_efi_system_partition()
    {
        using var temp = new TempFolder();
        var image = DiskImages.GptImage(temp["edge.img"]);
        var dir = Meets.Written(temp);

        var result = Cli.Run("write", dir, "--image", image);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("FAT boot partition 2 (GPT EFI system)", result.Out, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "meet.json")), Tools.Run("mtype", null, "-i", $"{image}@@{DiskImages.OffsetOf(67584)}", "::/meet/meet.json"));
    }

    [Fact]
    public void An_image_without_a_fat_partition_is_refused_and_left_as_it_was()
    {
        using var temp = new TempFolder();
        var image = DiskImages.LinuxOnlyImage(temp["edge.img"]);
        var before = Hash(image, 0, (int)new FileInfo(image).Length);

        var result = Cli.Run("write", Meets.Written(temp), "--image", image);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("has no FAT partition (partitions: 1: type 0x83)", result.Err, StringComparison.Ordinal);
        Assert.Equal(before, Hash(image, 0, (int)new FileInfo(image).Length));
    }

    [Fact]
    public void A_partition_marked_fat_but_never_formatted_is_refused()
    {
        using var temp = new TempFolder();
        var image = temp["edge.img"];
        using (var file = new FileStream(image, FileMode.Create))
        {
            file.SetLength(64L * 1024 * 1024);
        }

        Tools.Run("sfdisk", "label: dos\nstart=2048, type=c\n", "--quiet", image);

        var result = Cli.Run("write", Meets.Written(temp), "--image", image);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("partition 1 (MBR type 0x0c) holds no FAT file system", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_image_a_folder_a_compressed_image_and_a_file_without_partition_table_are_refused()
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp);
        var xz = temp["edge.img.xz"];
        File.WriteAllBytes(xz, [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, .. new byte[1024]]);
        var plain = temp["notes.img"];
        File.WriteAllBytes(plain, new byte[4096]);

        var missing = Cli.Run("write", dir, "--image", temp["nothing.img"]);
        var folder = Cli.Run("write", dir, "--image", temp.Path);
        var compressed = Cli.Run("write", dir, "--image", xz);
        var noTable = Cli.Run("write", dir, "--image", plain);

        Assert.Contains($"{temp["nothing.img"]}: no such image file", missing.Err, StringComparison.Ordinal);
        Assert.Contains("is a folder", folder.Err, StringComparison.Ordinal);
        Assert.Contains("is compressed (xz): unpack it first", compressed.Err, StringComparison.Ordinal);
        Assert.Contains("has no partition table", noTable.Err, StringComparison.Ordinal);
        Assert.All(new[] { missing, folder, compressed, noTable }, r => Assert.Equal(1, r.ExitCode));
    }

    [Fact]
    public void A_meet_folder_the_box_would_not_load_is_never_written()
    {
        using var temp = new TempFolder();
        var image = DiskImages.PiImage(temp["edge.img"]);
        var dir = Meets.Written(temp, roster: "bib,first_name,last_name,gender,age,race\n1,Ann,Lee,F,old,10k\n");

        var result = Cli.Run("write", dir, "--image", image);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("participants.csv: line 2, field 'age'", result.Err, StringComparison.Ordinal);
        Assert.Contains("nothing was written", result.Err, StringComparison.Ordinal);
        Assert.NotEqual(0, Tools.ExitCode("mdir", "-b", "-i", $"{image}@@{DiskImages.OffsetOf(8192)}", "::/meet"));
    }

    [Fact]
    public void Write_needs_exactly_one_of_image_and_boot()
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp);

        var neither = Cli.Run("write", dir);
        var both = Cli.Run("write", dir, "--image", temp["a.img"], "--boot", temp.Path);

        Assert.NotEqual(0, neither.ExitCode);
        Assert.Contains("give either --image FILE.img or --boot PATH", neither.Err, StringComparison.Ordinal);
        Assert.NotEqual(0, both.ExitCode);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Hash(string path, long offset, int length)
    {
        using var file = File.OpenRead(path);
        file.Position = offset;
        var bytes = new byte[length];
        file.ReadExactly(bytes);
        return Convert.ToHexString(SHA256.HashData(bytes));
    }
}
