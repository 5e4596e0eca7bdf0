using Edge.Tests.Support;

namespace Edge.Tests.Ingest;

/// <summary>Whatever the meet folder holds, the box starts, listens and stores every read; results wait for a good meet.</summary>
public class HostileMeetTests
{
    public static TheoryData<string> Shapes => ["badZone", "nulInPath", "unknownKey", "badGender", "invalidJson", "missingRoster"];

    private static readonly string[] Reads =
    [
        "CT01_33~1~start~guntime~2026-05-02T08:00:00.00Z~0~DF239A~0",
        "CT01_33~2~start~101~2026-05-02T08:00:04.71Z~1~0F2A38~3",
        "CT01_33~1~finish~101~2026-05-02T08:41:23.45Z~1~0FA22E~2",
    ];

    private static void Break(TestMeet meet, string shape)
    {
        var json = Path.Combine(meet.Path, "meet.json");
        var csv = Path.Combine(meet.Path, "participants.csv");
        switch (shape)
        {
            case "badZone":
                File.WriteAllText(json, File.ReadAllText(json).Replace("\"timeZone\": \"UTC\"", "\"timeZone\": \"PST\"", StringComparison.Ordinal));
                break;
            case "nulInPath":
                File.WriteAllText(json, File.ReadAllText(json).Replace("\"participants.csv\"", "\"roster\\u0000.csv\"", StringComparison.Ordinal));
                break;
            case "unknownKey":
                File.WriteAllText(json, File.ReadAllText(json).Replace("\"timeZone\"", "\"timezone\"", StringComparison.Ordinal));
                break;
            case "badGender":
                File.WriteAllText(csv, File.ReadAllText(csv).Replace(",F,34,", ",Mle,34,", StringComparison.Ordinal));
                break;
            case "invalidJson":
                File.WriteAllText(json, File.ReadAllText(json)[..200]);
                break;
            case "missingRoster":
                File.Delete(csv);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_box_started_on_a_broken_folder_listens_stores_every_read_and_shows_results_once_it_is_fixed(string shape)
    {
        using var meet = TestMeet.Standard();
        var good = File.ReadAllText(Path.Combine(meet.Path, "meet.json"));
        var roster = File.ReadAllText(Path.Combine(meet.Path, "participants.csv"));
        Break(meet, shape);
        await using var box = await TestBox.StartAsync(null, meet.Setting, "--Edge:MeetPollInterval=00:00:00.200");
        Assert.Equal("ok\n", await box.Http.GetStringAsync("/healthz"));
        var status = await box.StatusAsync();
        Assert.False(status.GetProperty("meet").GetProperty("loaded").GetBoolean());
        Assert.False(string.IsNullOrEmpty(status.GetProperty("meet").GetProperty("error").GetString()));

        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync("hostile-1", "start", "finish");
        await client.SendAsync(Reads);
        await box.WaitForReadsAsync(2);

        File.WriteAllText(Path.Combine(meet.Path, "participants.csv"), roster);
        File.WriteAllText(Path.Combine(meet.Path, "meet.json"), good);
        await box.WaitUntilAsync(s => s.GetProperty("meet").GetProperty("loaded").GetBoolean(), TimeSpan.FromSeconds(20), "the fixed folder");
        // The reads that arrived meanwhile are this meet's (results follow the load within moments).
        await ResultsWithAWinnerAsync(box);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_folder_broken_mid_race_keeps_the_last_good_meet_and_every_read(string shape)
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting, "--Edge:MeetPollInterval=00:00:00.200");
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync("hostile-2", "start", "finish");
        await client.SendAsync(Reads[..2]);
        await box.WaitForReadsAsync(1);

        Break(meet, shape);
        await box.WaitUntilAsync(s => s.GetProperty("meet").GetProperty("error").ValueKind == System.Text.Json.JsonValueKind.String,
            TimeSpan.FromSeconds(20), "the broken edit to be refused");
        await client.SendAsync(Reads[2..]);
        await box.WaitForReadsAsync(2);
        Assert.Equal("ok\n", await box.Http.GetStringAsync("/healthz"));
        var status = await box.StatusAsync();
        Assert.Equal(2, status.GetProperty("meet").GetProperty("races").GetInt32());
        await ResultsWithAWinnerAsync(box);
    }

    private static async Task ResultsWithAWinnerAsync(TestBox box)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string last;
        do
        {
            using var response = await box.Http.GetAsync("/api/races/10k/results");
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.IsSuccessStatusCode && last.Contains("\"place\":1", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"no winner in the 10K results: {last}");
    }
}
