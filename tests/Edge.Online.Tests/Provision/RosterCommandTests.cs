using Edge.Appliance.Meet;
using Edge.Online.Tests.Support;
using Edge.Provisioning.MeetFolder;

namespace Edge.Online.Tests.Provision;

/// <summary>
/// <c>edge-provision roster</c> end to end against the stand-ins: a meet folder made by <c>new</c>, its roster pulled, the
/// folder then loaded by the box's own checks; every refusal leaves the old roster byte for byte.
/// </summary>
public class RosterCommandTests
{
    private static async Task<(string Key, string Secret)> SecretFilesAsync(TempFolder temp, string secret = RunSignUpStandIn.Secret)
    {
        await File.WriteAllTextAsync(temp["rsu-key.txt"], RunSignUpStandIn.Key + "\n");
        await File.WriteAllTextAsync(temp["rsu-secret.txt"], secret + "\n");
        return (temp["rsu-key.txt"], temp["rsu-secret.txt"]);
    }

    private static string[] RunSignUpArgs(RunSignUpStandIn standIn, string dir, (string Key, string Secret) files, params string[] more) =>
        ["roster", "runsignup", "--race-id", "123", "--event-id", "456", "--event-id", "789", "--key-file", files.Key, "--secret-file", files.Secret,
         "--base-url", standIn.BaseUrl.AbsoluteUri, .. more, dir];

    [Fact]
    public async Task RunSignUp_roster_into_a_new_meet_then_the_folder_passes_check()
    {
        using var temp = new TempFolder();
        await using var standIn = await RunSignUpStandIn.StartAsync();
        standIn.AddEvent(456, "10K", participants: 30, firstBib: 1);
        standIn.AddEvent(789, "5K", participants: 12, firstBib: 501);
        standIn.Events[789].Participants.Add(RunSignUpStandIn.Participant(77, null, "No", "Bib", "F", 40));
        var dir = await Cli.NewMeetAsync(temp);
        var files = await SecretFilesAsync(temp);

        var pulled = await Cli.RunAsync(RunSignUpArgs(standIn, dir, files, "--race", "456=10k", "--race", "789=5k"));
        var check = await Cli.RunAsync("check", dir);

        Assert.True(pulled.ExitCode == 0, pulled.ToString());
        Assert.Equal($"""
            {Path.Combine(dir, "participants.csv")}: 42 participants from RunSignUp race 123
              race 10k: 30 participants (from 456 '10K')
              race 5k: 12 participants (from 789 '5K')
              left out: 1 registration without a bib (assign bibs at the service and pull again)
            {Path.Combine(dir, "meet.json")}: ok (edge-provision check passes)

            """, pulled.Out);
        Assert.Equal("", pulled.Err);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("race 10k: 10K, 10 km, start > 5k > finish; 30 runners", check.Out, StringComparison.Ordinal);
        Assert.Contains("participants: 42", check.Out, StringComparison.Ordinal);
        var meet = MeetCheck.Load(dir).Meet;
        Assert.Equal(12, meet.Participants.Count(p => p.RaceId == "5k" && p.Bib.StartsWith('5')));
        Assert.Equal(("First1", "Last1", "F", 20), (meet.Participants[0].FirstName, meet.Participants[0].LastName, meet.Participants[0].Gender, meet.Participants[0].Age));
        Assert.DoesNotContain(RunSignUpStandIn.Secret, pulled.Out + pulled.Err + check.Out, StringComparison.Ordinal);
        Assert.Equal(["lakeside/meet.json", "lakeside/participants.csv"], TempFolder.Names(dir).Select(n => $"lakeside/{n}"));
    }

    [Fact]
    public async Task ChronoTrack_roster_with_races_matched_by_name_and_one_mapped()
    {
        using var temp = new TempFolder();
        await using var standIn = await ChronoTrackStandIn.StartAsync();
        standIn.AddEntries("10K", 150, firstBib: 1);
        standIn.AddEntries("Family 5K", 20, firstBib: 1001);
        var dir = await Cli.NewMeetAsync(temp);
        await File.WriteAllTextAsync(temp["ct-password.txt"], ChronoTrackStandIn.Password + "\n");

        var pulled = await Cli.RunAsync("roster", "chronotrack", "--event-id", "98765", "--client-id", ChronoTrackStandIn.ClientId,
            "--user", ChronoTrackStandIn.User, "--password-file", temp["ct-password.txt"], "--race", "Family 5K=5k", "--base-url", standIn.BaseUrl.AbsoluteUri, dir);

        Assert.True(pulled.ExitCode == 0, pulled.ToString());
        Assert.StartsWith($"{Path.Combine(dir, "participants.csv")}: 170 participants from ChronoTrack Live event 98765\n  race 10k: 150 participants (from '10K')\n  race 5k: 20 participants (from 'Family 5K')\n",
            pulled.Out, StringComparison.Ordinal);
        // 170 entries at the real clients' 100 a page.
        Assert.Equal(2, standIn.EntryRequests().Length);
        var meet = MeetLoader.Load(dir);
        Assert.Equal(170, meet.Participants.Count);
        Assert.Equal(("Boulder", "CO"), (meet.Participants[0].City, meet.Participants[0].State));
        Assert.True((await Cli.RunAsync("check", dir)).ExitCode == 0);
        Assert.DoesNotContain(ChronoTrackStandIn.Password, pulled.Out + pulled.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_key_exits_1_with_one_line_and_the_old_roster_stays()
    {
        using var temp = new TempFolder();
        await using var standIn = await RunSignUpStandIn.StartAsync();
        standIn.AddEvent(456, "10K", participants: 3);
        standIn.AddEvent(789, "5K", participants: 3, firstBib: 501);
        var dir = await Cli.NewMeetAsync(temp);
        var roster = Path.Combine(dir, "participants.csv");
        await File.WriteAllTextAsync(roster, "bib,first_name,last_name,gender,age,race\n9,Old,Roster,F,50,10k\n");
        var before = await File.ReadAllBytesAsync(roster);
        var files = await SecretFilesAsync(temp, secret: "wrong-secret-value");

        var pulled = await Cli.RunAsync(RunSignUpArgs(standIn, dir, files));

        Assert.Equal(1, pulled.ExitCode);
        Assert.Equal("edge-provision roster runsignup: RunSignUp refused the API key and secret for race 123: check the key and secret files, and that the key belongs to the " +
            "race's director, its timer or a partner the race has given access (RunSignUp said: Invalid API key or secret. (error 6))\n", pulled.Err);
        Assert.Equal("", pulled.Out);
        Assert.Equal(before, await File.ReadAllBytesAsync(roster));
        Assert.DoesNotContain("wrong-secret-value", pulled.Err, StringComparison.Ordinal);
        Assert.Equal(["meet.json", "participants.csv"], TempFolder.Names(dir));
    }

    [Fact]
    public async Task A_pull_that_breaks_on_page_3_leaves_the_old_roster_byte_for_byte()
    {
        using var temp = new TempFolder();
        await using var standIn = await RunSignUpStandIn.StartAsync();
        // More than two full pages of 2,500: the third page is where it breaks.
        standIn.AddEvent(456, "10K", participants: 5200);
        standIn.AddEvent(789, "5K", participants: 3, firstBib: 9001);
        standIn.Fail(RunSignUpStandIn.OnPage(3, 200, body: "[{\"event\":{\"event_id\":456},\"participants\":[{\"registration_id\":1,\"bib_num\":"));
        var dir = await Cli.NewMeetAsync(temp);
        var roster = Path.Combine(dir, "participants.csv");
        await File.WriteAllTextAsync(roster, "bib,first_name,last_name,gender,age,race\r\n9,Old,Roster,F,50,10k\r\n");
        var before = await File.ReadAllBytesAsync(roster);

        var pulled = await Cli.RunAsync(RunSignUpArgs(standIn, dir, await SecretFilesAsync(temp), "--race", "456=10k", "--race", "789=5k"));

        Assert.Equal(1, pulled.ExitCode);
        Assert.StartsWith("edge-provision roster runsignup: RunSignUp's answer to participants page 3 of event 456, race 123 is not JSON", pulled.Err, StringComparison.Ordinal);
        Assert.Equal(3, standIn.ParticipantRequests().Length);
        Assert.Equal(before, await File.ReadAllBytesAsync(roster));
        Assert.Equal(["meet.json", "participants.csv"], TempFolder.Names(dir));
    }

    [Fact]
    public async Task A_service_race_the_meet_has_no_race_for_is_named_before_anything_is_written()
    {
        using var temp = new TempFolder();
        await using var standIn = await RunSignUpStandIn.StartAsync();
        standIn.AddEvent(456, "10K", participants: 3);
        standIn.AddEvent(789, "Half Marathon", participants: 4, firstBib: 501);
        var dir = await Cli.NewMeetAsync(temp);
        var before = await File.ReadAllBytesAsync(Path.Combine(dir, "participants.csv"));

        var pulled = await Cli.RunAsync(RunSignUpArgs(standIn, dir, await SecretFilesAsync(temp), "--race", "456=10k"));

        Assert.Equal(1, pulled.ExitCode);
        Assert.Equal("edge-provision roster runsignup: no meet race for RunSignUp event 789 'Half Marathon' (4 runners): map each to one of the meet's races (10k, 5k), like 789=10k\n", pulled.Err);
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(dir, "participants.csv")));
    }

    [Fact]
    public async Task A_roster_the_box_would_refuse_is_not_written()
    {
        using var temp = new TempFolder();
        await using var standIn = await RunSignUpStandIn.StartAsync();
        standIn.AddEvent(456, "10K", participants: 3);
        standIn.AddEvent(789, "5K", participants: 3, firstBib: 2);
        var dir = await Cli.NewMeetAsync(temp);
        var before = await File.ReadAllBytesAsync(Path.Combine(dir, "participants.csv"));

        var pulled = await Cli.RunAsync(RunSignUpArgs(standIn, dir, await SecretFilesAsync(temp), "--race", "456=10k", "--race", "789=5k"));

        Assert.Equal(1, pulled.ExitCode);
        Assert.StartsWith("edge-provision roster runsignup: bib 2 is given to two registrations: registration 4560001 (First2 Last2) and registration 7890000 (First2 Last2)", pulled.Err, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(dir, "participants.csv")));
    }

    [Fact]
    public async Task A_roster_goes_into_the_file_meet_json_names()
    {
        using var temp = new TempFolder();
        await using var standIn = await RunSignUpStandIn.StartAsync();
        standIn.AddEvent(456, "10K", participants: 4);
        temp.Write("meet/meet.json", """
            {
              // edited by hand
              "event": { "name": "Lakeside 10K", "date": "2026-05-02", "timeZone": "America/Los_Angeles" },
              "races": [ { "id": "10k", "timingPoints": [ { "location": "finish", "role": "finish" } ] } ],
              "participants": "roster-2026.csv",
            }
            """);
        temp.Write("meet/roster-2026.csv", "bib,first_name,last_name,gender,age,race\n1,Old,One,F,30,10k\n1,Old,Twice,F,30,10k\n");

        var pulled = await Cli.RunAsync("roster", "runsignup", "--race-id", "123", "--event-id", "456", "--key-file", (await SecretFilesAsync(temp)).Key,
            "--secret-file", temp["rsu-secret.txt"], "--base-url", standIn.BaseUrl.AbsoluteUri, temp["meet"]);

        // The old roster was broken (a bib twice): the pull still reads the races, and mends it.
        Assert.True(pulled.ExitCode == 0, pulled.ToString());
        Assert.Equal(4, MeetLoader.Load(temp["meet"]).Participants.Count);
        Assert.Equal(["meet.json", "roster-2026.csv"], TempFolder.Names(temp["meet"]));
    }

    [Theory]
    [InlineData("empty", "", "--key-file {0}: the file is empty")]
    [InlineData("two lines", "key\nmore\n", "--key-file {0}: the file holds 2 lines; it should hold the one value")]
    [InlineData("missing", null, "--key-file {0}: no such file")]
    public async Task A_key_file_that_holds_no_key_is_named(string what, string? content, string expected)
    {
        using var temp = new TempFolder();
        var dir = await Cli.NewMeetAsync(temp);
        var key = temp["key.txt"];
        if (content is not null)
        {
            await File.WriteAllTextAsync(key, content);
        }

        await File.WriteAllTextAsync(temp["secret.txt"], "s\n");

        var pulled = await Cli.RunAsync("roster", "runsignup", "--race-id", "1", "--event-id", "2", "--key-file", key, "--secret-file", temp["secret.txt"], dir);

        Assert.True(pulled.ExitCode == 1, $"{what}: {pulled}");
        Assert.Equal($"edge-provision roster runsignup: {string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, key)}\n", pulled.Err);
    }

    [Fact]
    public async Task Plain_http_is_taken_only_to_this_machine_and_a_folder_without_a_meet_is_refused()
    {
        using var temp = new TempFolder();
        var dir = await Cli.NewMeetAsync(temp);
        await SecretFilesAsync(temp);

        var remote = await Cli.RunAsync("roster", "runsignup", "--race-id", "1", "--event-id", "2", "--key-file", temp["rsu-key.txt"], "--secret-file", temp["rsu-secret.txt"],
            "--base-url", "http://runsignup.example.org/Rest/", dir);
        var noMeet = await Cli.RunAsync("roster", "runsignup", "--race-id", "1", "--event-id", "2", "--key-file", temp["rsu-key.txt"], "--secret-file", temp["rsu-secret.txt"],
            "--base-url", "http://127.0.0.1:9/Rest/", temp["nothing-here"]);

        Assert.Equal("edge-provision roster runsignup: --base-url http://runsignup.example.org/Rest/: keys and passwords go with every call, so only https is taken (plain http to this machine only)\n", remote.Err);
        Assert.Equal($"edge-provision roster runsignup: {Path.Combine(temp["nothing-here"], "meet.json")}: no such file; make the meet first (edge-provision new), then pull its roster into it\n", noMeet.Err);
        Assert.False(Directory.Exists(temp["nothing-here"]));
    }
}
