using System.CommandLine;
using Edge.Appliance.Meet;
using Edge.Provisioning.MeetFolder;

namespace Edge.Provisioning.Card;

/// <summary><c>edge-provision write DIR --image FILE | --boot PATH</c>: the checked meet folder onto a card's boot partition as <c>meet/</c>.</summary>
public sealed class WriteCommand(Terminal terminal)
{
    public const string Examples = """
        Examples:
          Into a flashable image before it is flashed (no mounting, no root; needs mtools):
            edge-provision write lakeside --image edge-box.img

          Onto a card already flashed and mounted on this laptop (its FAT boot partition):
            edge-provision write lakeside --boot /media/timer/bootfs

        The folder is checked first; a folder the box would not load is never written. The card's previous meet/
        is replaced whole: the new one is copied to meet.new/ and swapped in, so a card pulled midway still holds
        a complete meet folder.
        """;

    private Argument<string> Dir { get; } = new("DIR") { Description = "The meet folder to write (checked first)." };
    private Option<string> Image { get; } = new("--image") { Description = "A disk image file (.img): the meet goes into its FAT boot partition, found from the partition table.", HelpName = "FILE.img" };
    private Option<string> Boot { get; } = new("--boot") { Description = "A mounted card's boot partition (must be a FAT file system).", HelpName = "PATH" };

    public static Command Create(Terminal terminal) => new WriteCommand(terminal).Build();

    private Command Build()
    {
        var command = new Command("write", "Write a meet folder onto a card's boot partition (into an image file, or a mounted card) as meet/.") { Dir, Image, Boot };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(Image) is null) == (result.GetResult(Boot) is null))
            {
                result.AddError("give either --image FILE.img or --boot PATH");
            }
        });
        command.SetAction(parse => ProvisionCli.Guard(terminal, "write", () => Run(parse.GetValue(Dir)!, parse.GetValue(Image), parse.GetValue(Boot))));
        return command;
    }

    private int Run(string dir, string? image, string? boot)
    {
        var output = terminal.Out;
        try
        {
            var meet = MeetCheck.Load(dir).Meet;
            output.WriteLine($"checked {Path.Combine(dir, MeetLoader.MeetFile)}: {meet.Event.Name}, {meet.Races.Count} races, {meet.Participants.Count} participants");
        }
        catch (MeetException e)
        {
            throw new ProvisionException($"{e.Message}\nthe box would not load this folder, so nothing was written (`edge-provision check {dir}` shows the same)");
        }

        var entries = MeetFiles.List(dir);
        IBootPartition card;
        if (image is not null)
        {
            var partition = PartitionTable.FindFat(image);
            output.WriteLine($"{image}: FAT boot partition {partition.Number} ({partition.Type}) at byte {partition.Offset:N0}, {partition.Length / (1024 * 1024):N0} MiB");
            card = new ImageBootPartition(image, partition);
        }
        else
        {
            card = MountedBootPartition.Open(boot!);
        }

        MeetOnCard.Replace(card, dir, entries, output);
        output.WriteLine(image is not null
            ? $"done: flash {image} to a card; the box loads meet/ from its boot partition at start"
            : $"done: unmount {boot} before pulling the card; the box loads meet/ from it at start");
        return 0;
    }
}
