using System.CommandLine;
using Edge.Appliance.Box;
using Edge.Appliance.Meet;

namespace Edge.Provisioning.MeetFolder;

/// <summary><c>edge-provision check DIR</c>: the box's own validation of a meet folder, and the network files it would make.</summary>
public sealed class CheckCommand(Terminal terminal)
{
    public const string Examples = """
        Examples:
          edge-provision check lakeside
          edge-provision check /media/timer/bootfs/meet --show-network     (the folder on a card in this laptop)

        Exit code 0: the box loads the folder. 1: it would not; the message names the file, the line and the field.
        """;

    private Argument<string> Dir { get; } = new("DIR") { Description = "The meet folder (holding meet.json)." };
    private Option<bool> ShowNetwork { get; } = new("--show-network") { Description = "Also print the hotspot, DHCP, firewall and clock files the box renders from the folder at boot." };

    public static Command Create(Terminal terminal) => new CheckCommand(terminal).Build();

    private Command Build()
    {
        var command = new Command("check", "Check a meet folder exactly as the box loads it, and summarise it.") { Dir, ShowNetwork };
        command.SetAction(parse => ProvisionCli.Guard(terminal, "check", () => Run(parse.GetValue(Dir)!, parse.GetValue(ShowNetwork))));
        return command;
    }

    private int Run(string dir, bool showNetwork)
    {
        CheckedMeet meet;
        try
        {
            meet = MeetCheck.Load(dir);
        }
        catch (MeetException e)
        {
            terminal.Error.WriteLine(e.Message);
            terminal.Error.WriteLine("The box would not load this folder: it would keep its last good meet (or its defaults) and show this message.");
            return 1;
        }

        terminal.Out.WriteLine($"{Path.Combine(dir, MeetLoader.MeetFile)}: ok");
        foreach (var line in MeetSummary.Lines(meet))
        {
            terminal.Out.WriteLine($"  {line}");
        }

        // The same renderer the image runs at boot (edge-box-config), so what is shown is what the box will do.
        var box = BoxConfig.Render(dir);
        if (box.Problem is { } problem)
        {
            terminal.Error.WriteLine($"the box's network files fall back to the defaults: {problem}");
            return 1;
        }

        if (showNetwork)
        {
            foreach (var (name, content) in box.Files)
            {
                terminal.Out.WriteLine($"--- {name}");
                terminal.Out.Write(content.Length == 0 ? "(empty)\n" : content);
            }
        }

        return 0;
    }
}
