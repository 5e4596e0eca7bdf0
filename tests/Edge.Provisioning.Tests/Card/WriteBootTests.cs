using Edge.Provisioning.Card;
using Edge.Provisioning.Tests.Support;

namespace Edge.Provisioning.Tests.Card;

/// <summary><c>edge-provision write DIR --boot PATH</c>: only a FAT file system is taken for a card, and the meet is swapped in whole.</summary>
public class WriteBootTests
{
    [Fact]
    public void A_folder_that_is_not_on_a_fat_file_system_is_refused_with_a_clear_message_and_left_empty()
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp);
        var notACard = Directory.CreateDirectory(temp["home-folder"]).FullName;
        var type = MountTable.TypeOf(notACard);
        Assert.False(MountTable.IsFat(type), $"the test's temp folder is on {type}");

        var result = Cli.Run("write", dir, "--boot", notACard);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"--boot {notACard} is on the {type} file system, not on FAT: it is not a card's boot partition", result.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(notACard));
    }

    [Fact]
    public void A_boot_path_that_does_not_exist_is_refused()
    {
        using var temp = new TempFolder();

        var result = Cli.Run("write", Meets.Written(temp), "--boot", temp["media/bootfs"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no such folder (is the card mounted?", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void The_file_system_of_a_path_is_the_mount_with_the_longest_mount_point_over_it()
    {
        // Shaped as the kernel writes /proc/self/mountinfo: a card's boot partition under /media, its name with a space.
        var mounts = MountTable.Parse("""
            22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
            28 22 0:26 / /tmp rw,nosuid,nodev shared:5 - tmpfs tmpfs rw
            91 22 179:1 / /media/timer/boot\040fs rw,nosuid,nodev,relatime shared:50 - vfat /dev/mmcblk0p1 rw,fmask=0022,dmask=0022,codepage=437
            92 22 179:2 / /media/timer/rootfs rw,nosuid,nodev,relatime shared:51 - ext4 /dev/mmcblk0p2 rw

            """);

        Assert.Equal("vfat", MountTable.Find(mounts, "/media/timer/boot fs")!.Type);
        Assert.Equal("vfat", MountTable.Find(mounts, "/media/timer/boot fs/meet")!.Type);
        Assert.Equal("ext4", MountTable.Find(mounts, "/media/timer/rootfs/boot/firmware")!.Type);
        Assert.Equal("ext4", MountTable.Find(mounts, "/media/timer/boot fsx")!.Type);
        Assert.Equal("tmpfs", MountTable.Find(mounts, "/tmp/x")!.Type);
        Assert.True(MountTable.IsFat("vfat"));
        Assert.True(MountTable.IsFat("FAT32"));
        Assert.False(MountTable.IsFat("exfat"));
        Assert.False(MountTable.IsFat("ext4"));
    }

    [Fact]
    public void The_swap_replaces_the_previous_meet_and_clears_what_an_interrupted_write_left()
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp);
        temp.Write("meet/results/readme.txt", "inbox\n");
        // The card as an interrupted earlier write and an older meet left it.
        temp.Write("boot/meet/meet.json", "{ \"event\": { \"name\": \"Last week\" } }");
        temp.Write("boot/meet/stale.csv", "old");
        temp.Write("boot/meet.new/half.json", "{");
        temp.Write("boot/config.txt", "dtoverlay=i2c-rtc,ds3231\n");
        var progress = new StringWriter();

        MeetOnCard.Replace(MountedBootPartition.Unchecked(temp["boot"]), dir, MeetFiles.List(dir), progress);

        Assert.Equal(["config.txt", "meet"], Directory.GetFileSystemEntries(temp["boot"]).Select(Path.GetFileName).Order());
        Assert.Equal(["meet.json", "participants.csv", "results"], Directory.GetFileSystemEntries(temp["boot/meet"]).Select(Path.GetFileName).Order());
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "meet.json")), File.ReadAllText(temp["boot/meet/meet.json"]));
        Assert.Equal("inbox\n", File.ReadAllText(temp["boot/meet/results/readme.txt"]));
        Assert.Equal("dtoverlay=i2c-rtc,ds3231\n", File.ReadAllText(temp["boot/config.txt"]));
        Assert.Contains("removing meet.new left by an earlier write", progress.ToString(), StringComparison.Ordinal);
        Assert.Contains("keeping the previous meet as meet.old", progress.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Names_a_fat_card_cannot_hold_are_refused_before_anything_is_copied()
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp);
        temp.Write("meet/Logo.png", "a");
        temp.Write("meet/logo.png", "b");
        temp.Write("other/meet.json", "{}");
        temp.Write("other/results: final.txt", "x");

        var twice = Assert.Throws<ProvisionException>(() => MeetFiles.List(dir));
        var colon = Assert.Throws<ProvisionException>(() => MeetFiles.List(temp["other"]));

        Assert.Contains("Logo.png and logo.png: a FAT card cannot tell them apart", twice.Message, StringComparison.Ordinal);
        Assert.Contains("results: final.txt: a FAT card cannot hold this name", colon.Message, StringComparison.Ordinal);
    }
}
