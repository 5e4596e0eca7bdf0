using System.Text.Json;
using Edge.Appliance.Console;
using Edge.Appliance.Meet;
using Edge.Provisioning.Tests.Support;

namespace Edge.Provisioning.Tests.MeetFolder;

/// <summary><c>edge-provision new</c>: the folder it writes is one the box's own loader takes, and says what the timer asked for.</summary>
public class NewCommandTests
{
    [Fact]
    public void A_new_meet_folder_loads_in_the_box_with_the_races_splits_roster_and_networks_asked_for()
    {
        using var temp = new TempFolder();
        var roster = temp.Write("roster.csv", Meets.Roster);
        var key = temp.Write("timer.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb6n7tXb0wqXvKqJzZ3v8r4f5i0o2q1Y3yQmS8nA1bC timer@laptop\n");
        var dir = temp["lakeside"];

        var result = Cli.Run(Meets.NewArgs(dir,
            "--participants", roster, "--age-groups", "5:20:60", "--hotspot", "Lakeside Results", "--hotspot-password", "runfast2026",
            "--country", "CA", "--channel", "11", "--ssh-key", key));

        Assert.True(result.ExitCode == 0, result.ToString());
        var meet = MeetLoader.Load(dir);
        Assert.Equal("Lakeside 10K", meet.Event.Name);
        Assert.Equal(new DateOnly(2026, 5, 2), meet.Event.Date);
        Assert.Equal("America/Los_Angeles", meet.Event.TimeZone.Id);
        Assert.Equal(["10k", "5k"], meet.Races.Select(r => r.Id));
        Assert.Equal("5K Fun Run", meet.Races[1].Name);
        Assert.Equal(
            [("start", TimingRole.Start, (double?)null), ("5k", TimingRole.Split, 5), ("finish", TimingRole.Finish, 10)],
            meet.Races[0].TimingPoints.Select(p => (p.Location, p.Role, p.Km)));
        Assert.Equal("start", meet.Races[0].Gun.Location);
        Assert.Equal(new AgeGroups(5, 20, 60), meet.AgeGroups);
        Assert.Equal(["1", "2", "3"], meet.Participants.Select(p => p.Bib));
        Assert.Equal("Seattle", meet.Participants[0].City);
        Assert.Equal(new WifiSettings("Lakeside Results", "runfast2026", "WPA", null), meet.Wifi);
        Assert.Equal((PortRole.Phones, PortRole.Timer, 11, "CA"), (meet.Network.Wifi, meet.Network.Ethernet, meet.Network.Channel, meet.Network.Country));
        Assert.Single(meet.Network.SshKeys);
        Assert.Null(meet.Console.PasswordHash);
        Assert.Contains("race 10k: 10K, 10 km, start > 5k > finish; 2 runners", result.Out, StringComparison.Ordinal);
        Assert.Equal(["meet.json", "participants.csv"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void New_then_check_agree_and_check_summarises_event_races_roster_and_network_roles()
    {
        using var temp = new TempFolder();
        var dir = temp["lakeside"];
        var made = Cli.Run(Meets.NewArgs(dir, "--participants", temp.Write("roster.csv", Meets.Roster)));
        Assert.True(made.ExitCode == 0, made.ToString());

        var check = Cli.Run("check", dir);

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("event: Lakeside 10K, 2026-05-02, America/Los_Angeles", check.Out, StringComparison.Ordinal);
        Assert.Contains("race 5k: 5K Fun Run, 5 km, start > finish; 1 runner", check.Out, StringComparison.Ordinal);
        Assert.Contains("participants: 3", check.Out, StringComparison.Ordinal);
        Assert.Contains("wifi: phones", check.Out, StringComparison.Ordinal);
        Assert.Contains("ethernet: timer", check.Out, StringComparison.Ordinal);
        Assert.Equal("", check.Err);
    }

    [Fact]
    public void Without_a_roster_participants_csv_is_a_header_the_box_takes()
    {
        using var temp = new TempFolder();
        var dir = temp["lakeside"];

        var result = Cli.Run(Meets.NewArgs(dir));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Edge.Provisioning.MeetFolder.MeetFolderWriter.RosterHeader, File.ReadAllText(Path.Combine(dir, "participants.csv")));
        Assert.Empty(MeetLoader.Load(dir).Participants);
    }

    [Fact]
    public async Task The_console_password_is_stored_only_as_a_hash_that_the_box_signs_the_timer_in_with()
    {
        using var temp = new TempFolder();
        var dir = temp["lakeside"];

        var result = Cli.RunWithInput(Meets.Password + "\n", Meets.NewArgs(dir, "--password-stdin"));

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var file in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(Meets.Password, File.ReadAllText(file), StringComparison.Ordinal);
            Assert.DoesNotContain("correct horse", File.ReadAllText(file), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Meets.Password, result.Out + result.Err, StringComparison.Ordinal);
        var hash = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "meet.json"))).RootElement.GetProperty("console").GetProperty("passwordHash").GetString()!;
        Assert.True(ConsoleSettings.IsPasswordHash(hash));

        // The box, started on the folder, takes its password from it and signs the timer in with it alone.
        await using var box = await Box.StartAsync(dir);
        var access = box.Service<ConsoleAccess>();
        Assert.Equal("meet folder", access.PasswordSource);
        Assert.Equal(SignInOutcome.Refused, access.SignIn("correct horse battery", "192.0.2.10"));
        Assert.Equal(SignInOutcome.Accepted, access.SignIn(Meets.Password, "192.0.2.10"));
    }

    [Fact]
    public void A_password_the_console_would_refuse_is_refused_and_nothing_is_written()
    {
        using var temp = new TempFolder();
        var dir = temp["lakeside"];

        var result = Cli.RunWithInput("short\n", Meets.NewArgs(dir, "--password-stdin"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--password-stdin: " + ConsoleAccess.PasswordProblem("short"), result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "meet.json")));
    }

    [Fact]
    public void An_existing_meet_json_is_kept_without_force_and_replaced_with_it_keeping_the_roster()
    {
        using var temp = new TempFolder();
        var dir = temp["lakeside"];
        Assert.Equal(0, Cli.Run(Meets.NewArgs(dir, "--participants", temp.Write("roster.csv", Meets.Roster))).ExitCode);
        var before = File.ReadAllText(Path.Combine(dir, "meet.json"));

        var refused = Cli.Run(Meets.NewArgs(dir, "--name", "Other Race"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("already exists: add --force", refused.Err, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir, "meet.json")));

        var forced = Cli.Run(Meets.NewArgs(dir, "--name", "Lakeside 10K (rerun)", "--force"));
        Assert.True(forced.ExitCode == 0, forced.ToString());
        var meet = MeetLoader.Load(dir);
        Assert.Equal("Lakeside 10K (rerun)", meet.Event.Name);
        Assert.Equal(3, meet.Participants.Count);
        Assert.Contains("kept ", forced.Out, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(dir));
    }

    [Fact]
    public void A_roster_with_a_bad_row_names_the_given_file_line_and_field_and_nothing_is_written()
    {
        using var temp = new TempFolder();
        var roster = temp.Write("roster.csv", "bib,first_name,last_name,gender,age,race\n1,Ann,Lee,F,34,10k\n2,Bo,Kim,M,forty,10k\n");
        var dir = temp["lakeside"];

        var result = Cli.Run(Meets.NewArgs(dir, "--participants", roster));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{roster}: line 3, field 'age': 'forty' is not an age in years", result.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir), "the folder made for the refused meet is left behind");
    }

    [Fact]
    public void A_value_the_box_refuses_is_named_by_the_flag_that_gave_it()
    {
        using var temp = new TempFolder();

        var zone = Cli.Run(Meets.NewArgs(temp["a"], "--time-zone", "EST"));
        var date = Cli.Run(Meets.NewArgs(temp["b"], "--date", "2026-02-30"));
        var hotspot = Cli.Run(Meets.NewArgs(temp["c"], "--hotspot-password", "short"));
        var country = Cli.Run(Meets.NewArgs(temp["d"], "--country", "usa"));
        var race = Cli.Run(Meets.NewArgs(temp["e"], "--race", "10k:again:3"));
        var km = Cli.Run(Meets.NewArgs(temp["f"], "--race", "half:Half:thirteen"));
        var split = Cli.Run(Meets.NewArgs(temp["g"], "--split", "10k:late:12"));

        Assert.StartsWith("edge-provision new: --time-zone: 'EST' is an abbreviation", zone.Err, StringComparison.Ordinal);
        Assert.StartsWith("edge-provision new: --date: '2026-02-30' is not a date", date.Err, StringComparison.Ordinal);
        Assert.StartsWith("edge-provision new: --hotspot-password: a WPA password has 8 to 63 characters", hotspot.Err, StringComparison.Ordinal);
        Assert.StartsWith("edge-provision new: --country: 'usa' is not a two-letter country code", country.Err, StringComparison.Ordinal);
        Assert.StartsWith("edge-provision new: --race: race id '10k' is used twice", race.Err, StringComparison.Ordinal);
        Assert.Contains("'thirteen' is not a distance in kilometres", km.Err, StringComparison.Ordinal);
        Assert.Contains("12 km is not before the finish of race '10k'", split.Err, StringComparison.Ordinal);
        foreach (var run in new[] { zone, date, hotspot, country, race, km, split })
        {
            Assert.Equal(1, run.ExitCode);
        }

        Assert.Empty(Directory.GetFiles(temp.Path, "meet.json", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_meet_folder_that_cannot_be_made_is_a_message_not_a_crash()
    {
        using var temp = new TempFolder();
        var file = temp.Write("roster.csv", Meets.Roster);

        var result = Cli.Run(Meets.NewArgs(Path.Combine(file, "lakeside")));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("edge-provision new: ", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_in_a_name_are_refused_by_the_box_rules()
    {
        using var temp = new TempFolder();

        var result = Cli.Run(Meets.NewArgs(temp["a"], "--name", "Lake\u0007side"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--name: holds a control character (U+0007)", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_terminal_missing_values_are_named_and_nothing_is_asked()
    {
        using var temp = new TempFolder();

        var result = Cli.Run("new", temp["a"], "--name", "Lakeside 10K");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing --date, --time-zone, --race", result.Err, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void With_yes_a_terminal_is_never_asked()
    {
        using var temp = new TempFolder();

        var result = Cli.RunInteractive("Should not be read\n", "new", temp["a"], "--yes", "--name", "Lakeside 10K");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing --date, --time-zone, --race", result.Err, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void At_a_terminal_what_the_flags_leave_out_is_asked_for_and_a_wrong_answer_asked_again()
    {
        using var temp = new TempFolder();
        var dir = temp["lakeside"];
        var answers = string.Join('\n',
            "Lakeside 10K", "May 2nd", "2026-05-02", "Mars/Olympus", "America/Chicago",
            "10k:10K:ten", "10k:10K:10", "5k:5K:5", "",
            "tooshort", Meets.Password, Meets.Password) + "\n";

        var result = Cli.RunInteractive(answers, "new", dir);

        Assert.True(result.ExitCode == 0, result.ToString());
        var meet = MeetLoader.Load(dir);
        Assert.Equal(("Lakeside 10K", new DateOnly(2026, 5, 2), "America/Chicago"), (meet.Event.Name, meet.Event.Date!.Value, meet.Event.TimeZone.Id));
        Assert.Equal(["10k", "5k"], meet.Races.Select(r => r.Id));
        Assert.Contains("'May 2nd' is not a date", result.Out, StringComparison.Ordinal);
        Assert.Contains("'Mars/Olympus' is not a time zone", result.Out, StringComparison.Ordinal);
        Assert.Contains("'ten' is not a distance", result.Out, StringComparison.Ordinal);
        Assert.Contains(ConsoleAccess.PasswordProblem("tooshort")!, result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(Meets.Password, result.Out, StringComparison.Ordinal);
        Assert.NotNull(meet.Console.PasswordHash);
    }

    [Fact]
    public void Phones_on_ethernet_give_the_radio_to_the_timer_and_both_puts_phones_on_both_ports()
    {
        using var temp = new TempFolder();

        var timerRadio = Cli.Run(Meets.NewArgs(temp["a"], "--phones", "ethernet", "--timer-wifi", "TimingNet", "--timer-wifi-password", "lap top pass"));
        var noRadio = Cli.Run(Meets.NewArgs(temp["b"], "--phones", "ethernet"));
        var both = Cli.Run(Meets.NewArgs(temp["c"], "--phones", "both"));
        var clash = Cli.Run(Meets.NewArgs(temp["d"], "--timer-wifi", "TimingNet", "--timer-wifi-password", "lap top pass"));
        var open = Cli.Run(Meets.NewArgs(temp["e"], "--phones", "ethernet", "--timer-wifi", "TimingNet"));

        Assert.True(timerRadio.ExitCode == 0, timerRadio.ToString());
        var network = MeetLoader.Load(temp["a"]).Network;
        Assert.Equal((PortRole.Timer, PortRole.Phones, "TimingNet"), (network.Wifi, network.Ethernet, network.TimerWifi!.Ssid));
        Assert.Equal((PortRole.Off, PortRole.Phones), (MeetLoader.Load(temp["b"]).Network.Wifi, MeetLoader.Load(temp["b"]).Network.Ethernet));
        Assert.Equal((PortRole.Phones, PortRole.Phones), (MeetLoader.Load(temp["c"]).Network.Wifi, MeetLoader.Load(temp["c"]).Network.Ethernet));
        Assert.Equal(1, clash.ExitCode);
        Assert.Contains("--timer-wifi needs the onboard radio", clash.Err, StringComparison.Ordinal);
        Assert.Equal(1, open.ExitCode);
        Assert.Contains("--timer-wifi needs --timer-wifi-password", open.Err, StringComparison.Ordinal);
        Assert.Equal(1, Cli.Run(Meets.NewArgs(temp["f"], "--phones", "bluetooth")).ExitCode);
    }

    [Fact]
    public void An_ftp_account_for_the_orienteering_inbox_is_written_and_checked_by_the_box_rules()
    {
        using var temp = new TempFolder();

        var account = Cli.Run(Meets.NewArgs(temp["a"], "--ftp-user", "oe", "--ftp-password", "orienteer 2026"));
        var asked = Cli.RunInteractive("\nasked-for pass\n", [.. Meets.NewArgs(temp["b"], "--ftp-user", "oe").Where(a => a != "--yes")]);
        var anonymous = Cli.Run(Meets.NewArgs(temp["c"], "--ftp-user", "anonymous", "--ftp-password", "orienteer 2026"));
        var noPassword = Cli.Run(Meets.NewArgs(temp["d"], "--ftp-user", "oe"));
        var noUser = Cli.Run(Meets.NewArgs(temp["e"], "--ftp-password", "orienteer 2026"));
        var shortPassword = Cli.Run(Meets.NewArgs(temp["f"], "--ftp-user", "oe", "--ftp-password", "short"));

        Assert.True(account.ExitCode == 0, account.ToString());
        Assert.Equal(new FtpAccount("oe", "orienteer 2026"), MeetLoader.Load(temp["a"]).Network.Ftp);
        Assert.Equal(0, Cli.Run(Meets.NewArgs(temp["g"])).ExitCode);
        Assert.Null(MeetLoader.Load(temp["g"]).Network.Ftp);
        Assert.True(asked.ExitCode == 0, asked.ToString());
        Assert.Equal(new FtpAccount("oe", "asked-for pass"), MeetLoader.Load(temp["b"]).Network.Ftp);
        anonymous.AssertRefused("network.ftp.user", "anonymous logins");
        noPassword.AssertRefused("--ftp-user needs --ftp-password");
        noUser.AssertRefused("--ftp-password needs --ftp-user");
        shortPassword.AssertRefused("8 to 128 characters");
        foreach (var refused in new[] { temp["c"], temp["d"], temp["e"], temp["f"] })
        {
            Assert.False(File.Exists(Path.Combine(refused, "meet.json")), $"{refused}: a refused meet was written");
        }
    }

    [Fact]
    public void A_private_ssh_key_is_refused_before_it_can_reach_a_card()
    {
        using var temp = new TempFolder();
        var key = temp.Write("id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n");

        var result = Cli.Run(Meets.NewArgs(temp["a"], "--ssh-key", key));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("this is a private key", result.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp["a"]) && Directory.EnumerateFileSystemEntries(temp["a"]).Any());
    }

    [Fact]
    public void Cloud_settings_are_written_with_their_files_copied_in_and_checked_by_the_sync_agent_rules()
    {
        using var temp = new TempFolder();
        var ca = temp.Write("secrets/broker-ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        var password = temp.Write("secrets/mqtt-password.txt", "s3cret\n");
        var dir = temp["lakeside"];

        var result = Cli.Run(Meets.NewArgs(dir, "--cloud-broker", "mqtts://broker.example.org:8883", "--device-id", "lakeside-box-1",
            "--cloud-username", "box1", "--cloud-password-file", password, "--cloud-ca-file", ca));
        var badBroker = Cli.Run(Meets.NewArgs(temp["b"], "--cloud-broker", "http://broker.example.org", "--device-id", "box"));
        var noDevice = Cli.Run(Meets.NewArgs(temp["c"], "--cloud-broker", "mqtt://broker.example.org"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var cloud = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "meet.json"))).RootElement.GetProperty("cloud");
        Assert.Equal("broker-ca.pem", cloud.GetProperty("caFile").GetString());
        Assert.Equal("mqtt-password.txt", cloud.GetProperty("passwordFile").GetString());
        Assert.Equal(File.ReadAllText(ca), File.ReadAllText(Path.Combine(dir, "broker-ca.pem")));
        Assert.Contains("cloud: broker.example.org:8883 (TLS) as lakeside-box-1", result.Out, StringComparison.Ordinal);
        Assert.Equal(1, badBroker.ExitCode);
        Assert.Contains("--cloud-broker: scheme 'http' is not supported", badBroker.Err, StringComparison.Ordinal);
        Assert.Equal(1, noDevice.ExitCode);
        Assert.Contains("--device-id: is required", noDevice.Err, StringComparison.Ordinal);
    }
}
