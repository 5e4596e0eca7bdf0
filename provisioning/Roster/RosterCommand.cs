using System.CommandLine;
using System.Globalization;
using System.Net;
using Edge.Appliance.Meet;
using Edge.Online.ChronoTrackLive;
using Edge.Online.Roster;
using Edge.Online.RunSignUp;
using Edge.Provisioning.MeetFolder;

namespace Edge.Provisioning.Roster;

/// <summary>
/// <c>edge-provision roster runsignup|chronotrack DIR</c>: the meet's roster pulled from the registration service into
/// the folder's participants.csv, checked as the box loads it, and the folder checked whole afterwards.
/// </summary>
public sealed class RosterCommand(Terminal terminal)
{
    public const string Examples = """
        Examples:
          From RunSignUp (the race's id and its events' ids are in the race dashboard's URLs):
            edge-provision roster runsignup --race-id 123456 --event-id 654321 --event-id 654322 \
              --key-file rsu-key.txt --secret-file rsu-secret.txt --race 654321=10k --race 654322=5k lakeside

          From ChronoTrack Live (races are matched by name; map the ones whose name is not a race of the meet):
            edge-provision roster chronotrack --event-id 98765 --client-id abc123 --user timer@example.org \
              --password-file ct-password.txt --race "10K Run=10k" lakeside

        Secrets come from files only, and are never printed. The old roster stays as it was unless the whole new one
        was pulled and loads on the box. Run it again whenever registrations change.
        """;

    public const string RunSignUpExamples = """
        Examples:
          edge-provision roster runsignup --race-id 123456 --event-id 654321 --key-file rsu-key.txt --secret-file rsu-secret.txt lakeside
          Two events into a meet with races 10k and 5k:
            edge-provision roster runsignup --race-id 123456 --event-id 654321 --event-id 654322 \
              --key-file rsu-key.txt --secret-file rsu-secret.txt --race 654321=10k --race 654322=5k lakeside
        """;

    public const string ChronoTrackExamples = """
        Examples:
          edge-provision roster chronotrack --event-id 98765 --client-id abc123 --user timer@example.org --password-file ct-password.txt lakeside
          A race whose ChronoTrack name is not one of the meet's races:
            edge-provision roster chronotrack ... --race "Half Marathon=half" lakeside
        """;

    /// <summary>The argument and options both services take (each command its own instances).</summary>
    private sealed class Common
    {
        public Argument<string> Dir { get; } = new("DIR") { Description = "The meet folder (made with edge-provision new); its roster file is replaced." };
        public Option<string[]> Races { get; } = new("--race") { Description = "Put a service race into a meet race: KEY=RACE, the key a RunSignUp event id or a ChronoTrack race name (repeatable). Without it a one-race meet takes everyone, and races are matched by id or name.", HelpName = "KEY=RACE" };
        public Option<string> BaseUrl { get; } = new("--base-url") { Description = "The service's API address (default: the service's own).", HelpName = "URL" };
    }

    public static Command Create(Terminal terminal) => new RosterCommand(terminal).Build();

    private Command Build()
    {
        var roster = new Command("roster", "Pull the roster from RunSignUp or ChronoTrack Live into a meet folder, checked as the box loads it.")
        {
            RunSignUp(),
            ChronoTrack(),
        };
        return roster;
    }

    private Command RunSignUp()
    {
        var raceId = new Option<long>("--race-id") { Description = "The RunSignUp race id.", HelpName = "N", Required = true };
        var eventIds = new Option<long[]>("--event-id") { Description = "An event of the race to pull (repeatable).", HelpName = "N", Required = true };
        var keyFile = new Option<string>("--key-file") { Description = "File holding the API key.", HelpName = "FILE", Required = true };
        var secretFile = new Option<string>("--secret-file") { Description = "File holding the API secret.", HelpName = "FILE", Required = true };
        var common = new Common();
        var command = new Command("runsignup", "Pull participants from RunSignUp (API key and secret) into the meet folder's participants.csv.")
        {
            common.Dir, raceId, eventIds, keyFile, secretFile, common.Races, common.BaseUrl,
        };
        command.SetAction((parse, cancellationToken) => ProvisionCli.GuardAsync(terminal, "roster runsignup", async () =>
        {
            var race = parse.GetValue(raceId);
            var events = parse.GetValue(eventIds)!;
            var credentials = new RunSignUpCredentials(
                RosterImport.ReadSecret(parse.GetValue(keyFile)!, "--key-file"),
                RosterImport.ReadSecret(parse.GetValue(secretFile)!, "--secret-file"));
            var options = new RunSignUpOptions { BaseUrl = ServiceUrl(parse.GetValue(common.BaseUrl)) ?? RunSignUpOptions.DefaultBaseUrl };
            using var http = Http();
            var client = new RunSignUpClient(http, credentials, options);
            var source = new RosterSource($"RunSignUp race {race}", "RunSignUp event", ct => client.GetParticipantsAsync(race, events, ct));
            return await RunAsync(parse, common, source, cancellationToken);
        }));
        return command;
    }

    private Command ChronoTrack()
    {
        var eventId = new Option<long>("--event-id") { Description = "The ChronoTrack Live event id.", HelpName = "N", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "The API client id ChronoTrack gave.", HelpName = "ID", Required = true };
        var user = new Option<string>("--user") { Description = "The ChronoTrack Live user (e-mail).", HelpName = "USER", Required = true };
        var passwordFile = new Option<string>("--password-file") { Description = "File holding the user's password (sent as its SHA-1 hex, as ChronoTrack's clients do).", HelpName = "FILE", Required = true };
        var common = new Common();
        var command = new Command("chronotrack", "Pull entries from ChronoTrack Live into the meet folder's participants.csv.")
        {
            common.Dir, eventId, clientId, user, passwordFile, common.Races, common.BaseUrl,
        };
        command.SetAction((parse, cancellationToken) => ProvisionCli.GuardAsync(terminal, "roster chronotrack", async () =>
        {
            var ev = parse.GetValue(eventId);
            var credentials = ChronoTrackCredentials.FromPassword(parse.GetValue(clientId)!, parse.GetValue(user)!,
                RosterImport.ReadSecret(parse.GetValue(passwordFile)!, "--password-file"));
            var options = new ChronoTrackLiveOptions { BaseUrl = ServiceUrl(parse.GetValue(common.BaseUrl)) ?? ChronoTrackLiveOptions.DefaultBaseUrl };
            using var http = Http();
            var client = new ChronoTrackLiveClient(http, credentials, options);
            var source = new RosterSource($"ChronoTrack Live event {ev}", "ChronoTrack Live race", ct => client.GetEntriesAsync(ev, ct));
            return await RunAsync(parse, common, source, cancellationToken);
        }));
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, Common common, RosterSource source, CancellationToken cancellationToken)
    {
        var dir = parse.GetValue(common.Dir)!;
        var map = (parse.GetValue(common.Races) ?? []).Select(RaceMap.ParsePair).ToList();
        var written = await RosterImport.WriteAsync(dir, source, map, cancellationToken);
        var summary = written.Summary;
        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{written.Path}: {summary.Participants} participant{(summary.Participants == 1 ? "" : "s")} from {source.Name}"));
        foreach (var line in summary.Lines())
        {
            terminal.Out.WriteLine($"  {line}");
        }

        // The whole folder as the box and `edge-provision check` take it (the cloud section and its files included).
        try
        {
            _ = MeetCheck.Load(dir);
        }
        catch (MeetException e)
        {
            terminal.Error.WriteLine(e.Message);
            terminal.Error.WriteLine("The roster was written, but the box would not load this folder until that is fixed (edge-provision check shows it).");
            return 1;
        }

        terminal.Out.WriteLine($"{Path.Combine(Path.GetFullPath(dir), MeetLoader.MeetFile)}: ok (edge-provision check passes)");
        return 0;
    }

    /// <summary>
    /// One client for the pull. Redirects are not followed: a redirect would carry the secret's header to wherever it
    /// points. The per-try timeout is the client library's own.
    /// </summary>
    private static HttpClient Http() => new(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.All })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>A --base-url: https, or plain http to this machine only (a stand-in), since keys travel with every call.</summary>
    private static Uri? ServiceUrl(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            throw new ProvisionException($"--base-url {text}: not an http(s) address like https://runsignup.com/Rest/");
        }

        if (url.Scheme == "http" && !url.IsLoopback)
        {
            throw new ProvisionException($"--base-url {text}: keys and passwords go with every call, so only https is taken (plain http to this machine only)");
        }

        return url;
    }
}
