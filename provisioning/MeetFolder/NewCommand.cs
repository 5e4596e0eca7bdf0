using System.CommandLine;
using System.Globalization;
using Edge.Appliance.Console;
using Edge.Appliance.Meet;

namespace Edge.Provisioning.MeetFolder;

/// <summary><c>edge-provision new DIR</c>: a meet folder from flags, or from answers when a person is at the terminal.</summary>
public sealed class NewCommand(Terminal terminal)
{
    public const string Examples = """
        Examples:
          A 10K and a 5K, roster from the registration export, password typed when asked:
            edge-provision new lakeside --name "Lakeside 10K" --date 2026-05-02 --time-zone America/Los_Angeles \
              --race 10k:10K:10 --split 10k:5k:5 --race 5k:5K:5 --participants roster.csv

          The same from a script (never asks; the password comes on standard input):
            echo 'correct horse battery' | edge-provision new lakeside --yes --password-stdin \
              --name "Lakeside 10K" --date 2026-05-02 --time-zone America/Los_Angeles --race 10k:10K:10

          Phones on an access point plugged into Ethernet, the timer's laptop on the box's own Wi-Fi:
            edge-provision new lakeside ... --phones ethernet --timer-wifi TimingNet --timer-wifi-password 'lap top pass'

          Just the folder name, in a terminal: asks for the event, date, time zone, races and password.
            edge-provision new lakeside
        """;

    private Argument<string> Dir { get; } = new("DIR") { Description = "The meet folder to create (made if missing)." };
    private Option<string> Name { get; } = new("--name") { Description = "Event name, as phones and screens show it.", HelpName = "NAME" };
    private Option<string> Date { get; } = new("--date") { Description = "Event date, YYYY-MM-DD.", HelpName = "DATE" };
    private Option<string> TimeZone { get; } = new("--time-zone") { Description = "IANA time zone of the venue, like America/Los_Angeles or Europe/Berlin.", HelpName = "ZONE" };
    private Option<string> EventId { get; } = new("--event-id") { Description = "Key that keeps this meet's data apart (default: from name and date).", HelpName = "ID" };
    private Option<string[]> Races { get; } = new("--race") { Description = "A race as id:name:km (repeat for each race); timing points start and finish.", HelpName = "ID:NAME:KM" };
    private Option<string[]> Splits { get; } = new("--split") { Description = "A split mat as race:location:km, like 10k:5k:5 (repeatable).", HelpName = "RACE:LOCATION:KM" };
    private Option<string> AgeGroups { get; } = new("--age-groups") { Description = "Age groups as width:from:to (default 10:0:70: 0-9 ... 70+).", HelpName = "W:FROM:TO" };
    private Option<string> Participants { get; } = new("--participants") { Description = "Roster CSV to copy in as participants.csv (columns bib, first_name, last_name, gender, age, race; chip, city, state, team optional). Checked before anything is written.", HelpName = "FILE" };
    private Option<string> Phones { get; } = new("--phones") { Description = "Where phones join: wifi (the box's hotspot), ethernet (an access point on the Ethernet port) or both.", HelpName = "WHERE", DefaultValueFactory = _ => "wifi" };
    private Option<string> Hotspot { get; } = new("--hotspot") { Description = $"The hotspot's name (default '{Edge.Appliance.Box.BoxConfig.DefaultHotspot}').", HelpName = "NAME" };
    private Option<string> HotspotPassword { get; } = new("--hotspot-password") { Description = "The hotspot's WPA password, 8-63 characters (printed on the join sign; default: open).", HelpName = "PASSWORD" };
    private Option<string> TimerWifi { get; } = new("--timer-wifi") { Description = "A private Wi-Fi for the timing laptop on the box's radio (needs --phones ethernet).", HelpName = "SSID" };
    private Option<string> TimerWifiPassword { get; } = new("--timer-wifi-password") { Description = "Its WPA password, 8-63 characters (asked for when missing in a terminal).", HelpName = "PASSWORD" };
    private Option<string> UplinkWifi { get; } = new("--uplink-wifi") { Description = "A venue Wi-Fi with internet, joined with a second (USB) radio.", HelpName = "SSID" };
    private Option<string> UplinkWifiPassword { get; } = new("--uplink-wifi-password") { Description = "Its password (none for an open network).", HelpName = "PASSWORD" };
    private Option<string> Country { get; } = new("--country") { Description = "Two-letter country the radio follows for channels and power (default US).", HelpName = "CC" };
    private Option<int?> Channel { get; } = new("--channel") { Description = "Wi-Fi channel 1-13 (default 6).", HelpName = "N" };
    private Option<string[]> SshKeys { get; } = new("--ssh-key") { Description = "An OpenSSH public key file (.pub) allowed to log in (repeatable; without one SSH is off).", HelpName = "FILE.pub" };
    private Option<string> FtpUser { get; } = new("--ftp-user") { Description = "An FTP account for orienteering software's \"upload files to web\" (OE), which uploads result lists into the box's inbox; without one the FTP server is off.", HelpName = "USER" };
    private Option<string> FtpPassword { get; } = new("--ftp-password") { Description = "Its password, 8-128 ASCII characters, typed into OE as well (asked for when missing in a terminal).", HelpName = "PASSWORD" };
    private Option<bool> PasswordStdin { get; } = new("--password-stdin") { Description = "Read the console password from the first line of standard input (stored only as a hash)." };
    private Option<string> CloudBroker { get; } = new("--cloud-broker") { Description = "MQTT broker for cloud sync: mqtts://host:8883 or mqtt://host:1883.", HelpName = "URL" };
    private Option<string> DeviceId { get; } = new("--device-id") { Description = "This box's name at the broker (1-64 letters, digits, '.', '-', '_').", HelpName = "ID" };
    private Option<string> TopicPrefix { get; } = new("--topic-prefix") { Description = "MQTT topic prefix (default edge).", HelpName = "PREFIX" };
    private Option<string> CloudUsername { get; } = new("--cloud-username") { Description = "Broker user name.", HelpName = "USER" };
    private Option<string> CloudUsernameFile { get; } = new("--cloud-username-file") { Description = "File holding the broker user name (copied into the folder).", HelpName = "FILE" };
    private Option<string> CloudPasswordFile { get; } = new("--cloud-password-file") { Description = "File holding the broker password (copied into the folder).", HelpName = "FILE" };
    private Option<string> CloudCaFile { get; } = new("--cloud-ca-file") { Description = "CA certificate (PEM) the broker's certificate must chain to (copied into the folder).", HelpName = "FILE" };
    private Option<string> CloudCertFile { get; } = new("--cloud-cert-file") { Description = "Client certificate (PEM) for the broker (copied into the folder).", HelpName = "FILE" };
    private Option<string> CloudKeyFile { get; } = new("--cloud-key-file") { Description = "Its private key (PEM) (copied into the folder).", HelpName = "FILE" };
    private Option<string> CloudProtocol { get; } = new("--cloud-protocol") { Description = "MQTT version: 5, 3.1.1 or auto (default).", HelpName = "VERSION" };
    private Option<bool> Force { get; } = new("--force") { Description = "Replace an existing meet.json." };
    private Option<bool> Yes { get; } = new("--yes", "-y") { Description = "Never ask: what the flags do not give is an error, or its default." };

    public static Command Create(Terminal terminal) => new NewCommand(terminal).Build();

    private Command Build()
    {
        Phones.AcceptOnlyFromAmong("wifi", "ethernet", "both");
        var command = new Command("new", "Create a meet folder: meet.json and participants.csv, checked as the box will load them.")
        {
            Dir, Name, Date, TimeZone, EventId, Races, Splits, AgeGroups, Participants,
            Phones, Hotspot, HotspotPassword, TimerWifi, TimerWifiPassword, UplinkWifi, UplinkWifiPassword, Country, Channel, SshKeys,
            FtpUser, FtpPassword, PasswordStdin,
            CloudBroker, DeviceId, TopicPrefix, CloudUsername, CloudUsernameFile, CloudPasswordFile, CloudCaFile, CloudCertFile, CloudKeyFile, CloudProtocol,
            Force, Yes,
        };
        command.SetAction(parse => ProvisionCli.Guard(terminal, "new", () => Run(parse)));
        return command;
    }

    private int Run(ParseResult parse)
    {
        var ask = terminal.Interactive && !parse.GetValue(Yes);
        var draft = new MeetDraft
        {
            Name = parse.GetValue(Name),
            Date = parse.GetValue(Date),
            TimeZone = parse.GetValue(TimeZone),
            EventId = parse.GetValue(EventId),
            Phones = parse.GetValue(Phones) ?? "wifi",
            Hotspot = parse.GetValue(Hotspot),
            HotspotPassword = parse.GetValue(HotspotPassword),
            TimerWifi = parse.GetValue(TimerWifi),
            TimerWifiPassword = parse.GetValue(TimerWifiPassword),
            UplinkWifi = parse.GetValue(UplinkWifi),
            UplinkWifiPassword = parse.GetValue(UplinkWifiPassword),
            Country = parse.GetValue(Country),
            Channel = parse.GetValue(Channel),
            FtpUser = parse.GetValue(FtpUser),
            FtpPassword = parse.GetValue(FtpPassword),
        };
        draft.Races.AddRange((parse.GetValue(Races) ?? []).Select(RaceDraft.Parse));
        if (parse.GetValue(AgeGroups) is { } groups)
        {
            draft.AgeGroups = MeetDraft.ParseAgeGroups(groups);
        }

        foreach (var key in parse.GetValue(SshKeys) ?? [])
        {
            draft.SshKeys.AddRange(ReadPublicKeys(key));
        }

        if (ask)
        {
            AskForMissing(draft);
        }

        var missing = new[] { (draft.Name, "--name"), (draft.Date, "--date"), (draft.TimeZone, "--time-zone") }
            .Where(m => string.IsNullOrWhiteSpace(m.Item1)).Select(m => m.Item2).ToList();
        if (draft.Races.Count == 0)
        {
            missing.Add("--race");
        }

        if (missing.Count > 0)
        {
            throw new ProvisionException($"missing {string.Join(", ", missing)} (give them as flags, or run in a terminal without --yes to be asked)");
        }

        // Splits after the races, whichever order the flags came in.
        foreach (var split in parse.GetValue(Splits) ?? [])
        {
            draft.AddSplit(split);
        }

        if (draft.TimerWifi is not null && draft.TimerWifiPassword is null)
        {
            draft.TimerWifiPassword = ask ? terminal.AskSecret($"Password for the timer's Wi-Fi '{draft.TimerWifi}' (8-63 characters)") : null;
            if (draft.TimerWifiPassword is null)
            {
                throw new ProvisionException("--timer-wifi needs --timer-wifi-password (the timing port is never on an open network)");
            }
        }

        if (draft.FtpUser is null && draft.FtpPassword is not null)
        {
            throw new ProvisionException("--ftp-password needs --ftp-user (the account OE logs in with)");
        }

        if (draft.FtpUser is not null && draft.FtpPassword is null)
        {
            draft.FtpPassword = ask ? terminal.AskSecret($"Password for the FTP account '{draft.FtpUser}' (8-128 characters, typed into OE as well)") : null;
            if (draft.FtpPassword is null)
            {
                throw new ProvisionException("--ftp-user needs --ftp-password (the box takes no anonymous uploads)");
            }
        }

        draft.PasswordHash = ConsolePassword(parse.GetValue(PasswordStdin), ask) is { } password ? ConsoleAccess.Hash(password) : null;
        var extras = CloudSettings(parse, draft);
        var written = MeetFolderWriter.Write(parse.GetValue(Dir)!, draft, parse.GetValue(Participants), extras, parse.GetValue(Force));

        var output = terminal.Out;
        foreach (var file in written.Files)
        {
            output.WriteLine($"wrote {Path.Combine(written.MeetDir, file)}");
        }

        if (written.KeptRoster)
        {
            output.WriteLine($"kept {Path.Combine(written.MeetDir, MeetLoader.DefaultParticipantsFile)}");
        }

        output.WriteLine("checked as the box loads it:");
        foreach (var line in MeetSummary.Lines(written.Meet))
        {
            output.WriteLine($"  {line}");
        }

        output.WriteLine($"next: edge-provision write {parse.GetValue(Dir)} --image FILE.img   (or --boot /media/<you>/bootfs for a card in this laptop)");
        return 0;
    }

    private void AskForMissing(MeetDraft draft)
    {
        string Required(string question, string? suggestion = null) =>
            terminal.Ask(question, suggestion) is { Length: > 0 } answer ? answer : throw new ProvisionException($"no answer to '{question}': nothing was written");

        draft.Name ??= Required("Event name");
        while (draft.Date is null)
        {
            var date = Required("Event date (YYYY-MM-DD)");
            if (DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                draft.Date = date;
            }
            else
            {
                terminal.Out.WriteLine($"  '{date}' is not a date like 2026-05-02");
            }
        }

        // The laptop's own zone is the likely one; the box refuses abbreviations such as EST, so offer only an IANA name.
        var local = TimeZoneInfo.Local is { HasIanaId: true, Id: var id } && id.Contains('/', StringComparison.Ordinal) ? id : null;
        while (draft.TimeZone is null)
        {
            var zone = Required("Time zone at the venue (IANA, like America/Los_Angeles)", local);
            if (TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
            {
                draft.TimeZone = zone;
            }
            else
            {
                terminal.Out.WriteLine($"  '{zone}' is not a time zone this laptop knows; write one like Europe/Berlin");
            }
        }

        string? NextRace()
        {
            var answer = terminal.Ask(draft.Races.Count == 0 ? "A race as id:name:km (like 10k:10K:10)" : "Another race as id:name:km (empty when done)");
            // An empty answer ends the list once there is a race; the end of the input ends it anyway.
            return answer is null || (answer.Length == 0 && draft.Races.Count > 0) ? null : answer;
        }

        for (var race = NextRace(); race is not null; race = NextRace())
        {
            try
            {
                if (race.Length > 0)
                {
                    draft.Races.Add(RaceDraft.Parse(race));
                }
            }
            catch (ProvisionException e)
            {
                terminal.Out.WriteLine($"  {e.Message}");
            }
        }
    }

    /// <summary>The console password from standard input, or asked twice without echo; null for none (the box then prints a setup code).</summary>
    private string? ConsolePassword(bool fromStdin, bool ask)
    {
        if (fromStdin)
        {
            var line = terminal.In.ReadLine() ?? throw new ProvisionException("--password-stdin: standard input is empty");
            return ConsoleAccess.PasswordProblem(line) is { } problem ? throw new ProvisionException($"--password-stdin: {problem}") : line;
        }

        if (!ask)
        {
            return null;
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var password = terminal.AskSecret("Console password (at least 10 characters; empty for none, then the box prints a setup code)");
            if (string.IsNullOrEmpty(password))
            {
                return null;
            }

            if (ConsoleAccess.PasswordProblem(password) is { } problem)
            {
                terminal.Out.WriteLine($"  {problem}");
                continue;
            }

            if (terminal.AskSecret("The same again") == password)
            {
                return password;
            }

            terminal.Out.WriteLine("  The two did not match.");
        }

        throw new ProvisionException("no console password after three tries: nothing was written");
    }

    /// <summary>The <c>cloud</c> section; files it names are copied into the folder, which goes onto the card whole.</summary>
    private List<ExtraFile> CloudSettings(ParseResult parse, MeetDraft draft)
    {
        void Value(Option<string> option, string field)
        {
            if (parse.GetValue(option) is { } value)
            {
                draft.Cloud[field] = value;
            }
        }

        Value(CloudBroker, "broker");
        Value(DeviceId, "deviceId");
        Value(TopicPrefix, "topicPrefix");
        Value(CloudUsername, "username");
        Value(CloudProtocol, "protocol");
        var extras = new List<ExtraFile>();
        foreach (var (option, field) in new[] { (CloudUsernameFile, "usernameFile"), (CloudPasswordFile, "passwordFile"), (CloudCaFile, "caFile"), (CloudCertFile, "certFile"), (CloudKeyFile, "keyFile") })
        {
            if (parse.GetValue(option) is { } source)
            {
                var name = Path.GetFileName(source);
                draft.Cloud[field] = name;
                extras.Add(new ExtraFile(name, source, option.Name));
            }
        }

        return extras;
    }

    /// <summary>The keys of an OpenSSH .pub file (one per line); a private key is refused before it can reach a card.</summary>
    private static IEnumerable<string> ReadPublicKeys(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProvisionException($"--ssh-key {path}: {e.Message}");
        }

        if (text.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new ProvisionException($"--ssh-key {path}: this is a private key; give the public one (the .pub file beside it)");
        }

        var keys = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        return keys.Count > 0 ? keys : throw new ProvisionException($"--ssh-key {path}: the file holds no key");
    }
}
