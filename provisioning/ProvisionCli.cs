using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Edge.Appliance.Meet;
using Edge.Online.Http;
using Edge.Online.Roster;
using Edge.Provisioning.Card;
using Edge.Provisioning.MeetFolder;
using Edge.Provisioning.Rehearsal;
using Edge.Provisioning.Roster;

namespace Edge.Provisioning;

/// <summary>
/// <c>edge-provision</c>: the timer's tool for a meet folder and a card. Each command is its own capability; this is
/// the table of contents, and the one place a failure becomes a message and an exit code.
/// </summary>
public static class ProvisionCli
{
    private const string Overview = """
        Prepare a results box for a meet: create the meet folder, pull its roster from RunSignUp or ChronoTrack Live,
        check it as the box will, write it onto a card, and rehearse with a simulated timing controller.

        A usual evening before a race:
          edge-provision new lakeside --name "Lakeside 10K" --date 2026-05-02 --time-zone America/Los_Angeles \
            --race 10k:10K:10
          edge-provision roster runsignup --race-id 123456 --event-id 654321 --key-file key.txt --secret-file secret.txt lakeside
          edge-provision check lakeside
          edge-provision write lakeside --image edge-box.img      (or --boot /media/<you>/bootfs for a card in this laptop)
        At the venue, before the start:
          edge-provision simulate --host 10.43.0.1 --runners 50 --rate 5
        """;

    /// <summary>Runs the CLI without a person at the terminal (nothing is asked); returns the exit code.</summary>
    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error) =>
        RunAsync(args, new Terminal(input, output, error, interactive: false), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Runs the CLI; <paramref name="handleSignals"/> lets Ctrl+C and SIGTERM end a long command cleanly.</summary>
    public static Task<int> RunAsync(string[] args, Terminal terminal, CancellationToken cancellationToken, bool handleSignals = false)
    {
        var root = new RootCommand(Overview)
        {
            NewCommand.Create(terminal),
            CheckCommand.Create(terminal),
            RosterCommand.Create(terminal),
            WriteCommand.Create(terminal),
            SimulateCommand.Create(terminal),
        };
        AddExamples(root, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["new"] = NewCommand.Examples,
            ["check"] = CheckCommand.Examples,
            ["roster"] = RosterCommand.Examples,
            ["runsignup"] = RosterCommand.RunSignUpExamples,
            ["chronotrack"] = RosterCommand.ChronoTrackExamples,
            ["write"] = WriteCommand.Examples,
            ["simulate"] = SimulateCommand.Examples,
        });
        var configuration = new InvocationConfiguration
        {
            Output = terminal.Out,
            Error = terminal.Error,
            ProcessTerminationTimeout = handleSignals ? TimeSpan.FromSeconds(5) : null,
        };
        return root.Parse(args).InvokeAsync(configuration, cancellationToken);
    }

    /// <summary>Runs a command's work: a problem the timer can act on is printed on one line and exits 1.</summary>
    public static int Guard(Terminal terminal, string command, Func<int> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (Failure(command, e) is { } message)
        {
            terminal.Error.WriteLine(message);
            return 1;
        }
    }

    public static async Task<int> GuardAsync(Terminal terminal, string command, Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception e) when (Failure(command, e) is { } message)
        {
            terminal.Error.WriteLine(message);
            return 1;
        }
    }

    /// <summary>
    /// The message for a failure the timer can act on; null for a bug, which the default handler reports with its
    /// stack. A file that cannot be read or written (a full card, a card pulled, a read-only folder) is the former.
    /// </summary>
    private static string? Failure(string command, Exception e) => e switch
    {
        MeetException => e.Message,
        ProvisionException or IOException or UnauthorizedAccessException => $"edge-provision {command}: {e.Message}",
        // The service said no, or could not be reached, or the roster cannot be placed in the meet's races.
        OnlineException or RosterException => $"edge-provision {command}: {e.Message}",
        _ => null,
    };

    /// <summary>Help ends with the command's examples: a timer copies a line and changes the names.</summary>
    private static void AddExamples(RootCommand root, IReadOnlyDictionary<string, string> examples)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithExamples((HelpAction)help.Action!, examples);
    }

    private sealed class HelpWithExamples(HelpAction help, IReadOnlyDictionary<string, string> examples) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var code = help.Invoke(parseResult);
            if (examples.TryGetValue(parseResult.CommandResult.Command.Name, out var text))
            {
                parseResult.InvocationConfiguration.Output.WriteLine(text);
            }

            return code;
        }
    }
}
