using Edge.Appliance;
using Edge.Appliance.Console;

if (args is ["--hash-password", ..])
{
    // Writes the hash meet.json's console.passwordHash takes; the password is read from standard input, never an argument.
    var password = System.Console.In.ReadLine() ?? "";
    if (ConsoleAccess.PasswordProblem(password) is { } problem)
    {
        System.Console.Error.WriteLine(problem);
        return 2;
    }

    System.Console.WriteLine(ConsoleAccess.Hash(password));
    return 0;
}

if (args is ["--render-box-config", var outDir, ..])
{
    // The image's boot step: the network, firewall and clock files for the meet folder (Edge:MeetDir) on the card.
    var meetDir = args.Skip(2).Select(a => a.Split('=', 2)).FirstOrDefault(a => a[0] is "--Edge:MeetDir" or "--Edge__MeetDir")?[1];
    var files = Edge.Appliance.Box.BoxConfig.Render(meetDir);
    files.WriteTo(outDir);
    System.Console.Out.Write(files.Files["summary.txt"]);
    return 0;
}

var app = EdgeApp.Build(args);
app.Run();
return 0;
