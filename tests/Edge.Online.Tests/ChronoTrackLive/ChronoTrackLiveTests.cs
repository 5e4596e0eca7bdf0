using Edge.Online.ChronoTrackLive;
using Edge.Online.Http;
using Edge.Online.Tests.Support;

namespace Edge.Online.Tests.ChronoTrackLive;

/// <summary>ChronoTrack Live entries against the stand-in: X-Ctlive-* paging, the SHA-1 password, failures said plainly.</summary>
public class ChronoTrackLiveTests
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    private static ChronoTrackLiveClient Client(ChronoTrackStandIn standIn, TimeProvider clock, int pageSize = 100, string password = ChronoTrackStandIn.Password) =>
        new(Http, ChronoTrackCredentials.FromPassword(ChronoTrackStandIn.ClientId, ChronoTrackStandIn.User, password),
            new ChronoTrackLiveOptions { BaseUrl = standIn.BaseUrl, PageSize = pageSize }, clock);

    [Fact]
    public void The_password_is_sent_as_the_SHA1_hex_real_clients_send()
    {
        var credentials = ChronoTrackCredentials.FromPassword("c", "u", "password");

        // SHA-1("password"), the well-known value; SHA-256 would be 64 digits starting 5e884898.
        Assert.Equal("5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", credentials.PasswordHash);
        Assert.DoesNotContain("password", credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_as_the_X_Ctlive_headers_say_and_maps_every_field()
    {
        var clock = new JumpingClock();
        await using var standIn = await ChronoTrackStandIn.StartAsync(clock);
        standIn.AddEntries("10K", 5, firstBib: 1);
        standIn.AddEntries("5K", 2, firstBib: 501);
        standIn.Entries[0] = ChronoTrackStandIn.Entry(42, "1", "Ann", "Lee", "F", 34, "10K", city: "Golden", region: "CO", team: "Trail Dogs");

        var entries = await Client(standIn, clock, pageSize: 3).GetEntriesAsync(98765);

        Assert.Equal(7, entries.Count);
        var requests = standIn.EntryRequests();
        Assert.Equal(["1:3", "2:3", "3:3"], requests.Select(r => $"{r.Query1("page")}:{r.Query1("size")}"));
        Assert.All(requests, r => Assert.Equal((ChronoTrackStandIn.ClientId, ChronoTrackStandIn.User, ChronoTrackStandIn.Sha1(ChronoTrackStandIn.Password), "json"),
            (r.Query1("client_id"), r.Query1("user_id"), r.Query1("user_pass"), r.Query1("format"))));
        var ann = entries.Single(e => e.Bib == "1");
        Assert.Equal(("42", "Ann", "Lee", "F", 34), (ann.SourceId, ann.FirstName, ann.LastName, ann.Gender, ann.Age));
        Assert.Equal(("Golden", "CO", "Trail Dogs", "10K", "10K"), (ann.City, ann.State, ann.Team, ann.RaceKey, ann.RaceName));
        Assert.Equal(2, entries.Count(e => e.RaceName == "5K"));
    }

    [Fact]
    public async Task Without_paging_headers_a_short_page_is_the_last()
    {
        var clock = new JumpingClock();
        await using var standIn = await ChronoTrackStandIn.StartAsync(clock);
        standIn.AddEntries("10K", 7, firstBib: 1);
        standIn.PagingHeaders = false;

        var entries = await Client(standIn, clock, pageSize: 3).GetEntriesAsync(98765);

        Assert.Equal(7, entries.Count);
        Assert.Equal(3, standIn.EntryRequests().Length);
    }

    [Fact]
    public async Task A_SHA256_or_a_wrong_password_is_refused_with_a_clear_message()
    {
        var clock = new JumpingClock();
        await using var standIn = await ChronoTrackStandIn.StartAsync(clock);
        standIn.AddEntries("10K", 3, firstBib: 1);
        // What the seed's adapter would have sent: the SHA-256 of the right password.
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ChronoTrackStandIn.Password)));
        var seedLike = await Http.GetAsync(new Uri(standIn.BaseUrl,
            $"event/98765/entry?format=json&client_id={ChronoTrackStandIn.ClientId}&user_id={Uri.EscapeDataString(ChronoTrackStandIn.User)}&user_pass={sha256}&page=1&size=10"));

        var e = await Assert.ThrowsAsync<OnlineException>(() => Client(standIn, clock, password: "not the password").GetEntriesAsync(98765));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, seedLike.StatusCode);
        Assert.Equal(OnlineProblem.Refused, e.Problem);
        Assert.Equal("ChronoTrack Live refused user 'timer@example.org' with client id 'edge-client-17' for event 98765: check the user, the password file and the client id, " +
            "and that the user may see the event (the password is sent as its SHA-1 hex, as ChronoTrack's own clients send it) (ChronoTrack Live said: Invalid user credentials)", e.Message);
        Assert.Equal(2, standIn.EntryRequests().Length);
        Assert.Equal(3, (await Client(standIn, clock).GetEntriesAsync(98765)).Count);
    }

    [Fact]
    public async Task A_page_other_than_the_one_asked_for_fails_the_pull()
    {
        var clock = new JumpingClock();
        await using var standIn = await ChronoTrackStandIn.StartAsync(clock);
        standIn.AddEntries("10K", 7, firstBib: 1);
        standIn.Fail(new Fault
        {
            When = r => r.Query["page"] == "2",
            Status = 200,
            Body = """{"event_entry":[]}""",
            Headers = new Dictionary<string, Func<string>> { ["X-Ctlive-Current-Page"] = () => "1", ["X-Ctlive-Page-Count"] = () => "3" },
        });

        var e = await Assert.ThrowsAsync<OnlineException>(() => Client(standIn, clock, pageSize: 3).GetEntriesAsync(98765));

        Assert.Equal(OnlineProblem.Malformed, e.Problem);
        Assert.Equal("ChronoTrack Live's answer to entries page 2 of event 98765 is page 1 (X-Ctlive-Current-Page), not the page asked for; nothing was written", e.Message);
    }

    [Fact]
    public async Task Fewer_entries_than_the_row_count_fail_the_pull_rather_than_leave_runners_out()
    {
        var clock = new JumpingClock();
        await using var standIn = await ChronoTrackStandIn.StartAsync(clock);
        standIn.AddEntries("10K", 5, firstBib: 1);
        standIn.RowCountSkew = 2;

        var e = await Assert.ThrowsAsync<OnlineException>(() => Client(standIn, clock, pageSize: 3).GetEntriesAsync(98765));

        Assert.Equal("ChronoTrack Live counted 7 entries for event 98765 (X-Ctlive-Row-Count) but sent 5: entries changed during the pull; pull again (nothing was written)", e.Message);
    }

    [Fact]
    public async Task A_429_and_a_500_are_waited_out_then_the_pull_goes_on()
    {
        var clock = new JumpingClock();
        await using var standIn = await ChronoTrackStandIn.StartAsync(clock);
        standIn.AddEntries("10K", 7, firstBib: 1);
        standIn.Fail(new Fault { When = r => r.Query["page"] == "2", Status = 429, Headers = new Dictionary<string, Func<string>> { ["Retry-After"] = () => "12" } });
        standIn.Fail(new Fault { When = r => r.Query["page"] == "3", Status = 500, Body = """{"error":"database busy"}""" });

        var entries = await Client(standIn, clock, pageSize: 3).GetEntriesAsync(98765);

        Assert.Equal(7, entries.Count);
        Assert.Equal([12, 1], clock.Waits.Select(w => w.TotalSeconds));
    }

    [Theory]
    [InlineData("{\"event_entry\":[{\"entry_bib\":\"1\"}", "not JSON")]
    [InlineData("[]", "not a JSON object with the event's entries")]
    [InlineData("{\"event_entry\":{\"entry_bib\":\"1\"}}", "an event_entry that is not a list")]
    public async Task Malformed_answers_are_clear_failures(string body, string expected)
    {
        var clock = new JumpingClock();
        await using var standIn = await ChronoTrackStandIn.StartAsync(clock);
        standIn.AddEntries("10K", 7, firstBib: 1);
        standIn.Fail(new Fault { When = r => r.Query["page"] == "2", Status = 200, Body = body });

        var e = await Assert.ThrowsAsync<OnlineException>(() => Client(standIn, clock, pageSize: 3).GetEntriesAsync(98765));

        Assert.Equal(OnlineProblem.Malformed, e.Problem);
        Assert.StartsWith($"ChronoTrack Live's answer to entries page 2 of event 98765 is {expected}", e.Message, StringComparison.Ordinal);
    }
}
