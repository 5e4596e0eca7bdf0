using Edge.Provisioning.Tests.Support;

namespace Edge.Provisioning.Tests.MeetFolder;

/// <summary>
/// <c>edge-provision check</c> on meet folders as timers leave them: it says what the box would say (file, line,
/// field) and exits 1, or exits 0 with a summary.
/// </summary>
public class CheckCommandTests
{
    [Fact]
    public void A_good_folder_exits_0_with_a_summary()
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp);

        var result = Cli.Run("check", dir);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"{Path.Combine(dir, "meet.json")}: ok", result.Out, StringComparison.Ordinal);
        Assert.Contains("race 10k: 10K, 10 km, start > finish; 2 runners", result.Out, StringComparison.Ordinal);
        Assert.Contains("console password: none", result.Out, StringComparison.Ordinal);
        Assert.Contains("cloud: off", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("hostapd.conf", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_network_prints_the_files_the_box_renders_at_boot()
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp, meetJson: """
            {
              "event": { "name": "Lakeside 10K", "date": "2026-05-02", "timeZone": "America/Los_Angeles" },
              "races": [ { "id": "10k", "timingPoints": [ { "location": "finish", "role": "finish" } ] } ],
              "wifi": { "ssid": "Lakeside", "password": "runfast2026" },
              "network": { "country": "SE", "channel": 1 }
            }
            """);

        var result = Cli.Run("check", dir, "--show-network");

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = Edge.Appliance.Box.BoxConfig.Render(dir).Files;
        Assert.Contains("--- hostapd.conf\n" + expected["hostapd.conf"], result.Out, StringComparison.Ordinal);
        Assert.Contains("country_code=SE", result.Out, StringComparison.Ordinal);
        Assert.Contains("--- nftables.conf", result.Out, StringComparison.Ordinal);
        Assert.Contains("wifi: phones (hotspot 'Lakeside', WPA, channel 1, country SE)", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("syntax error", "{\n  \"event\": { \"name\": \"Lakeside\" }\n  \"races\": []\n}\n", "meet.json: line 3, column 3: expected a ','")]
    [InlineData("unknown field", "{\n  \"event\": {\n    \"name\": \"Lakeside\",\n    \"timezone\": \"America/Chicago\"\n  }\n}\n", "meet.json: line 4: unknown field 'event.timezone'; did you mean 'timeZone'?")]
    [InlineData("control character", "{\n  \"event\": { \"name\": \"Lake\\u0007side\" }\n}\n", "meet.json: line 2, field 'event.name': holds a control character (U+0007)")]
    [InlineData("bad time zone", "{\n  \"event\": { \"name\": \"Lakeside\", \"timeZone\": \"EST\" }\n}\n", "meet.json: line 2, field 'event.timeZone': 'EST' is an abbreviation or alias")]
    [InlineData("a password instead of a hash", "{\n  \"event\": { \"name\": \"Lakeside\" }, \"races\": [ { \"id\": \"10k\", \"timingPoints\": [ { \"location\": \"finish\", \"role\": \"finish\" } ] } ],\n  \"console\": { \"passwordHash\": \"hunter2hunter2\" }\n}\n", "meet.json: line 3, field 'console.passwordHash': is not a password hash")]
    public void A_meet_json_the_box_refuses_exits_1_naming_file_line_and_field(string what, string meetJson, string expected)
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp, meetJson: meetJson);

        var result = Cli.Run("check", dir);

        Assert.True(result.ExitCode == 1, $"{what}: {result}");
        Assert.Contains(Path.Combine(dir, expected), result.Err, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void A_40_MB_meet_json_is_refused_by_its_size_without_being_read()
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp);
        using (var file = new FileStream(Path.Combine(dir, "meet.json"), FileMode.Create))
        {
            file.SetLength(40L * 1024 * 1024);
        }

        var result = Cli.Run("check", dir);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{Path.Combine(dir, "meet.json")}: the file is 41,943,040 bytes; at most 33,554,432 are read", result.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bib,first_name,last_name,gender,age,race\n1,Ann,Lee,F,34,10k\n2,Bo,Kim,Q,41,10k\n", "line 3, field 'gender': 'Q' is not a gender")]
    [InlineData("bib,first_name,last_name,gender,age,race\n1,Ann,Lee,F,34,10k\n1,Bo,Kim,M,41,10k\n", "line 3, field 'bib': bib 1 appears twice")]
    [InlineData("bib,first_name,last_name,gender,age,race\n1,Ann,Lee,F,34,marathon\n", "line 2, field 'race': no race has id 'marathon'")]
    [InlineData("bib,first_name,gender,age,race\n1,Ann,F,34,10k\n", "line 1: column 'last_name' is missing")]
    [InlineData("bib,first_name,last_name,gender,age,race\n1,\"Ann,Lee,F,34,10k\n", "line 2: a quote opened here is never closed")]
    public void A_roster_row_the_box_refuses_exits_1_naming_file_line_and_field(string roster, string expected)
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp, roster: roster);

        var result = Cli.Run("check", dir);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{Path.Combine(dir, "participants.csv")}: {expected}", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_roster_that_is_not_utf8_is_refused_with_its_line_and_column()
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp);
        File.WriteAllBytes(Path.Combine(dir, "participants.csv"), [.. "bib,first_name,last_name,gender,age,race\n1,J"u8, 0xE9, .. "r,Lee,F,34,10k\n"u8]);

        var result = Cli.Run("check", dir);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("participants.csv: line 2, column 4: the file is not UTF-8 text", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_folder_or_meet_json_exits_1()
    {
        using var temp = new TempFolder();

        var noFolder = Cli.Run("check", temp["nothing-here"]);
        Directory.CreateDirectory(temp["empty"]);
        var noMeet = Cli.Run("check", temp["empty"]);

        Assert.Equal(1, noFolder.ExitCode);
        Assert.Contains("not found", noFolder.Err, StringComparison.Ordinal);
        Assert.Equal(1, noMeet.ExitCode);
        Assert.Contains($"{Path.Combine(temp["empty"], "meet.json")}: not found", noMeet.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cloud_section_the_sync_agent_would_refuse_fails_the_check()
    {
        using var temp = new TempFolder();
        var dir = Meets.Written(temp, meetJson: """
            {
              "event": { "name": "Lakeside 10K" },
              "races": [ { "id": "10k", "timingPoints": [ { "location": "finish", "role": "finish" } ] } ],
              "cloud": { "broker": "mqtts://broker.example.org", "deviceId": "box 1" }
            }
            """);

        var result = Cli.Run("check", dir);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("field 'cloud.deviceId': 'box 1' must be 1-64 letters", result.Err, StringComparison.Ordinal);
    }
}
