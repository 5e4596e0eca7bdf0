using System.Globalization;
using System.Runtime.InteropServices;

namespace Edge.Simulator;

internal static class Program
{
    private const string Usage = """
        Simulated ChronoTrack middleware: connects to a CTP01 server and feeds it a generated race.

        usage: Edge.Simulator [options]
          --host HOST              server address (127.0.0.1)
          --port PORT              server port (61611)
          --participants N         runners (1000)
          --first-bib N            first bib (1)
          --rate R                 reads released per second, 0 = all at once (0)
          --locations a,b,c        locations in course order (start,5k,finish)
          --extra-reads N          duplicate reads per runner per location (0)
          --late-location NAME     announce this location later with a newlocation line
          --late-after N           ... after this many other reads (100)
          --no-gun                 no guntime read
          --seed N                 race generator seed (1)
          --connection-id ID       connection id (random)
          --user U --password P    credentials when the server asks for authentication
          --separator ~|,          "," sends CT01_13 lines (~)
          --lf                     end lines with LF only
          --no-reconnect           stop after the first drop
          --verbose                print connection events
        Runs until Ctrl+C and prints a status line every second.
        """;

    public static async Task<int> Main(string[] args)
    {
        RaceOptions raceOptions;
        ClientOptions clientOptions;
        try
        {
            if (args.Contains("--help") || args.Contains("-h"))
            {
                Console.WriteLine(Usage);
                return 0;
            }

            (raceOptions, clientOptions) = Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var race = GeneratedRace.Generate(raceOptions);
        await using var client = new Ctp01Client(race, clientOptions);
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        // SIGTERM too, so a script or container stop ends the run as cleanly as Ctrl+C.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        Console.WriteLine($"{race.TotalReads} reads at {string.Join(", ", raceOptions.Locations)}; connection id {clientOptions.ConnectionId}");
        var running = client.RunAsync(stop.Token);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token) && !running.IsCompleted)
            {
                PrintStatus(client);
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: fall through to print the final status.
        }

        await running;
        PrintStatus(client);
        return 0;
    }

    private static void PrintStatus(Ctp01Client client) =>
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{DateTime.Now:HH:mm:ss} sent {client.LinesSent} of {client.ReleasedReads} released ({client.Race.TotalReads} total), {(client.Connected ? "connected" : "disconnected")}, connections {client.Connections}"));

    private static (RaceOptions Race, ClientOptions Client) Parse(string[] args)
    {
        var race = new RaceOptions();
        var client = new ClientOptions();
        var verbose = false;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Integer() => int.Parse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture);

            switch (name)
            {
                case "--host": client = client with { Host = Value() }; break;
                case "--port": client = client with { Port = Integer() }; break;
                case "--participants": race = race with { Participants = Integer() }; break;
                case "--first-bib": race = race with { FirstBib = Integer() }; break;
                case "--rate": client = client with { ReadsPerSecond = double.Parse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture) }; break;
                case "--locations": race = race with { Locations = Value().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) }; break;
                case "--extra-reads": race = race with { ExtraReadsPerLocation = Integer() }; break;
                case "--late-location": race = race with { LateLocation = Value() }; break;
                case "--late-after": race = race with { LateLocationAfterReads = Integer() }; break;
                case "--no-gun": race = race with { IncludeGun = false }; break;
                case "--seed": race = race with { Seed = Integer() }; break;
                case "--connection-id": client = client with { ConnectionId = Value() }; break;
                case "--user": client = client with { User = Value() }; break;
                case "--password": client = client with { Password = Value() }; break;
                case "--separator": client = client with { Separator = Value() }; break;
                case "--lf": client = client with { LineFeedOnly = true }; break;
                case "--no-reconnect": client = client with { Reconnect = false }; break;
                case "--verbose": verbose = true; break;
                default: throw new ArgumentException($"Unknown option {name}.");
            }
        }

        if (verbose)
        {
            client = client with { Log = message => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} {message}")) };
        }

        return (race, client);
    }
}
