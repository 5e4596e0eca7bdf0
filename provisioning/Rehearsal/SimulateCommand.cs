using System.CommandLine;
using System.Globalization;
using Edge.Simulator;

namespace Edge.Provisioning.Rehearsal;

/// <summary>
/// <c>edge-provision simulate --host H</c>: the CTP01 controller simulator (the one the demo and the tests use)
/// feeding a generated race to a box, so a timer can rehearse: the reads reach the box as ChronoTrack's would.
/// </summary>
public sealed class SimulateCommand(Terminal terminal)
{
    public const string Examples = """
        Examples:
          50 runners over start, 5k and finish, 5 reads a second, to a box on the timer's network:
            edge-provision simulate --host 10.43.0.1 --runners 50 --rate 5

          Bibs 101-300 over the mats a meet names, all reads at once, then stay connected like a real controller:
            edge-provision simulate --host 10.43.0.1 --first-bib 101 --runners 200 --locations start,finish --keep-open

          A box that asks the timing software for a user and password:
            echo 'timing pass' | edge-provision simulate --host 10.43.0.1 --user timer --password-stdin

        Ends when every read was sent (or with Ctrl+C); prints a line a second while it runs.
        """;

    private Option<string> Host { get; } = new("--host") { Description = "The box's address (on the timer's side: 10.43.0.1 on Ethernet, 10.42.0.1 on its Wi-Fi).", HelpName = "HOST", Required = true };
    private Option<int> Port { get; } = new("--port") { Description = "The box's timing port.", HelpName = "PORT", DefaultValueFactory = _ => new ClientOptions().Port };
    private Option<int> Runners { get; } = new("--runners") { Description = "Runners in the race.", HelpName = "N", DefaultValueFactory = _ => 100 };
    private Option<int> FirstBib { get; } = new("--first-bib") { Description = "First bib; the others follow (the tag is the bib).", HelpName = "N", DefaultValueFactory = _ => new RaceOptions().FirstBib };
    private Option<double> Rate { get; } = new("--rate") { Description = "Reads sent per second; 0 sends them all at once.", HelpName = "R", DefaultValueFactory = _ => 10 };
    private Option<string> Locations { get; } = new("--locations") { Description = "Timing locations in course order, as meet.json names them; the first is the start.", HelpName = "A,B,C", DefaultValueFactory = _ => string.Join(',', new RaceOptions().Locations) };
    private Option<double> CourseKm { get; } = new("--course-km") { Description = "Distance from the first location to the last.", HelpName = "KM", DefaultValueFactory = _ => new RaceOptions().CourseKilometers };
    private Option<int> ExtraReads { get; } = new("--extra-reads") { Description = "Duplicate reads per runner per mat (a tag seen several times).", HelpName = "N", DefaultValueFactory = _ => 0 };
    private Option<string> GunTime { get; } = new("--gun-time") { Description = "When the gun fires, like 2026-05-02T08:00:00-07:00 (default: now).", HelpName = "TIME" };
    private Option<bool> NoGun { get; } = new("--no-gun") { Description = "Send no guntime read." };
    private Option<int> Seed { get; } = new("--seed") { Description = "Race generator seed: the same seed, the same race.", HelpName = "N", DefaultValueFactory = _ => new RaceOptions().Seed };
    private Option<string> User { get; } = new("--user") { Description = "User name, when the box asks the timing software to sign in.", HelpName = "USER" };
    private Option<bool> PasswordStdin { get; } = new("--password-stdin") { Description = "Read that password from the first line of standard input." };
    private Option<bool> KeepOpen { get; } = new("--keep-open") { Description = "Stay connected after the last read, until Ctrl+C." };
    private Option<int> ConnectWithin { get; } = new("--connect-within") { Description = "Give up when the box cannot be reached for this many seconds.", HelpName = "SECONDS", DefaultValueFactory = _ => 30 };
    private Option<bool> Verbose { get; } = new("--verbose") { Description = "Print connection events." };

    public static Command Create(Terminal terminal) => new SimulateCommand(terminal).Build();

    private Command Build()
    {
        var command = new Command("simulate", "Feed a box a simulated race over CTP01, as ChronoTrack's controller software would, to rehearse.")
        {
            Host, Port, Runners, FirstBib, Rate, Locations, CourseKm, ExtraReads, GunTime, NoGun, Seed, User, PasswordStdin, KeepOpen, ConnectWithin, Verbose,
        };
        command.SetAction((parse, cancellationToken) => ProvisionCli.GuardAsync(terminal, "simulate", () => RunAsync(parse, cancellationToken)));
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var gun = DateTimeOffset.UtcNow;
        gun = new DateTimeOffset(gun.Ticks - gun.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        if (parse.GetValue(GunTime) is { } text && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out gun))
        {
            throw new ProvisionException($"--gun-time '{text}' is not a time like 2026-05-02T08:00:00-07:00");
        }

        string? password = null;
        if (parse.GetValue(PasswordStdin))
        {
            password = terminal.In.ReadLine() ?? throw new ProvisionException("--password-stdin: standard input is empty");
        }

        var log = parse.GetValue(Verbose) ? (Action<string>)(message => terminal.Out.WriteLine($"{DateTime.Now:HH:mm:ss} {message}")) : null;
        GeneratedRace race;
        Ctp01Client client;
        try
        {
            race = GeneratedRace.Generate(new RaceOptions
            {
                Participants = parse.GetValue(Runners),
                FirstBib = parse.GetValue(FirstBib),
                Locations = parse.GetValue(Locations)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                CourseKilometers = parse.GetValue(CourseKm),
                ExtraReadsPerLocation = parse.GetValue(ExtraReads),
                GunTime = gun,
                IncludeGun = !parse.GetValue(NoGun),
                Seed = parse.GetValue(Seed),
            });
            client = new Ctp01Client(race, new ClientOptions
            {
                Host = parse.GetValue(Host)!,
                Port = parse.GetValue(Port),
                ReadsPerSecond = parse.GetValue(Rate),
                User = parse.GetValue(User),
                Password = password,
                Log = log,
            });
        }
        catch (ArgumentException e)
        {
            throw new ProvisionException(e.Message);
        }

        await using (client)
        {
            return await FeedAsync(client, race, parse, cancellationToken);
        }
    }

    private async Task<int> FeedAsync(Ctp01Client client, GeneratedRace race, ParseResult parse, CancellationToken cancellationToken)
    {
        var output = terminal.Out;
        var target = $"{client.Options.Host}:{client.Options.Port}";
        output.WriteLine($"{race.TotalReads} reads ({race.Options.Participants} runners at {string.Join(", ", race.Options.Locations)}) to {target}; connection id {client.Options.ConnectionId}");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = client.RunAsync(stop.Token);
        var keepOpen = parse.GetValue(KeepOpen);
        var connectWithin = TimeSpan.FromSeconds(parse.GetValue(ConnectWithin));
        var started = TimeProvider.System.GetTimestamp();
        var exitCode = 0;
        var allSent = false;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token) && !running.IsCompleted)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{DateTime.Now:HH:mm:ss} sent {client.LinesSent} of {race.TotalReads} reads, {(client.Connected ? "connected" : "not connected")}, connections {client.Connections}"));
                if (client.Connections == 0 && TimeProvider.System.GetElapsedTime(started) >= connectWithin)
                {
                    terminal.Error.WriteLine($"edge-provision simulate: could not connect to {target} within {connectWithin.TotalSeconds:0} s: is the box on, and this laptop on its timer network (Ethernet, or the timer's Wi-Fi)?");
                    exitCode = 1;
                    break;
                }

                if (!keepOpen && client.ReleasedReads >= race.TotalReads && client.LinesSent >= race.TotalReads)
                {
                    // One more second connected, so the box has taken the last lines off the socket before the goodbye.
                    if (allSent)
                    {
                        break;
                    }

                    allSent = true;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.WriteLine("stopped (Ctrl+C)");
        }

        await stop.CancelAsync();
        await running;
        output.WriteLine($"done: sent {client.LinesSent} of {race.TotalReads} reads over {client.Connections} connection(s)");
        return exitCode;
    }
}
