using Edge.Online.Http;
using Edge.Online.RunSignUp;
using Edge.Online.Tests.Support;

namespace Edge.Online.Tests.RunSignUp;

/// <summary>RunSignUp participants against the stand-in: paging, the two ways of authenticating, every failure a clear one.</summary>
public class RunSignUpRosterTests
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    internal static RunSignUpClient Client(RunSignUpStandIn standIn, TimeProvider clock, RunSignUpOptions? options = null, string secret = RunSignUpStandIn.Secret) =>
        new(Http, new RunSignUpCredentials(RunSignUpStandIn.Key, secret), (options ?? new RunSignUpOptions()) with { BaseUrl = standIn.BaseUrl }, clock);

    [Fact]
    public async Task Pages_each_event_until_a_short_page_and_maps_every_field()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 5, firstBib: 1);
        standIn.AddEvent(789, "5K", participants: 4, firstBib: 101);
        standIn.Events[456].Participants[0] = RunSignUpStandIn.Participant(1, "1", "Ann", "Lee", "F", 34, dob: "1991-06-01", city: "Bellingham", state: "WA", team: "Rain City", chip: "A100");

        var entries = await Client(standIn, clock, new RunSignUpOptions { ResultsPerPage = 2 }).GetParticipantsAsync(123, [456, 789]);

        Assert.Equal(9, entries.Count);
        var pages = standIn.ParticipantRequests().Select(r => $"{r.Query1("event_id")}:{r.Query1("page")}:{r.Query1("results_per_page")}").ToList();
        // 5 runners at 2 a page: 2, 2, 1 (short: the end). 4 runners: 2, 2, then an empty page ends it.
        Assert.Equal(["456:1:2", "456:2:2", "456:3:2", "789:1:2", "789:2:2", "789:3:2"], pages);
        var ann = entries.Single(e => e.Bib == "1");
        Assert.Equal(("1", "Ann", "Lee", "F", 34, new DateOnly(1991, 6, 1)), (ann.SourceId, ann.FirstName, ann.LastName, ann.Gender, ann.Age, ann.BirthDate));
        Assert.Equal(("Bellingham", "WA", "Rain City", "A100", "456", "10K"), (ann.City, ann.State, ann.Team, ann.Chip, ann.RaceKey, ann.RaceName));
        Assert.Equal(["456", "789"], entries.Select(e => e.RaceKey).Distinct());
        Assert.Empty(clock.Waits);
    }

    [Fact]
    public async Task The_secret_goes_in_the_header_by_default_and_never_in_a_url()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 1);

        await Client(standIn, clock).GetParticipantsAsync(123, [456]);
        await Client(standIn, clock, new RunSignUpOptions { Auth = RunSignUpAuth.Query }).GetParticipantsAsync(123, [456]);

        var (header, query) = (standIn.ParticipantRequests()[0], standIn.ParticipantRequests()[1]);
        Assert.Equal(RunSignUpStandIn.Key, header.Query1("rsu_api_key"));
        Assert.Equal(RunSignUpStandIn.Secret, header.Headers["X-RSU-API-SECRET"]);
        Assert.DoesNotContain(header.Query.Values, v => v.Contains(RunSignUpStandIn.Secret, StringComparison.Ordinal));
        Assert.Equal("json", header.Query1("format"));
        Assert.Equal((RunSignUpStandIn.Key, RunSignUpStandIn.Secret), (query.Query1("api_key"), query.Query1("api_secret")));
        Assert.False(query.Headers.ContainsKey("X-RSU-API-SECRET"));
    }

    [Fact]
    public async Task A_refused_key_is_a_clear_message_at_once_without_the_secret()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 3);

        var e = await Assert.ThrowsAsync<OnlineException>(() => Client(standIn, clock, secret: "a-wrong-secret").GetParticipantsAsync(123, [456]));

        Assert.Equal(OnlineProblem.Refused, e.Problem);
        Assert.StartsWith("RunSignUp refused the API key and secret for race 123: check the key and secret files", e.Message, StringComparison.Ordinal);
        Assert.Contains("(RunSignUp said: Invalid API key or secret. (error 6))", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a-wrong-secret", e.Message, StringComparison.Ordinal);
        // A refusal is not tried again: the same key would be refused again.
        Assert.Single(standIn.ParticipantRequests());
        Assert.Empty(clock.Waits);
    }

    [Fact]
    public async Task An_error_inside_a_200_answer_fails_the_pull_with_RunSignUps_words()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 3);
        standIn.Fail(RunSignUpStandIn.OnPage(1, 200, body: """{"error":{"error_code":201,"error_msg":"Event is not part of this race."}}"""));

        var e = await Assert.ThrowsAsync<OnlineException>(() => Client(standIn, clock).GetParticipantsAsync(123, [456]));

        Assert.Equal(OnlineProblem.Rejected, e.Problem);
        Assert.Equal("RunSignUp answered participants page 1 of event 456, race 123 with an error: Event is not part of this race. (error 201)", e.Message);
    }

    [Fact]
    public async Task A_429_is_waited_out_as_Retry_After_says_in_seconds()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 3);
        standIn.Fail(new Fault
        {
            When = r => r.Query["page"] == "1",
            Status = 429,
            Headers = new Dictionary<string, Func<string>> { ["Retry-After"] = () => "3" },
            Body = """{"error":{"error_code":429,"error_msg":"Too many requests"}}""",
        });

        var entries = await Client(standIn, clock).GetParticipantsAsync(123, [456]);

        Assert.Equal(3, entries.Count);
        Assert.Equal([TimeSpan.FromSeconds(3)], clock.Waits);
        var pages = standIn.ParticipantRequests();
        Assert.Equal(2, pages.Length);
        Assert.Equal(TimeSpan.FromSeconds(3), pages[1].At - pages[0].At);
    }

    [Fact]
    public async Task A_429_with_an_http_date_waits_until_that_time()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 3);
        standIn.Fail(new Fault
        {
            When = r => r.Query["page"] == "1",
            Status = 429,
            Headers = new Dictionary<string, Func<string>> { ["Retry-After"] = () => (clock.GetUtcNow() + TimeSpan.FromSeconds(7)).ToString("R") },
        });

        await Client(standIn, clock).GetParticipantsAsync(123, [456]);

        Assert.Equal([TimeSpan.FromSeconds(7)], clock.Waits);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_client_waits_fails_at_once_saying_how_long()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 3);
        standIn.Fail(new Fault { When = _ => true, Status = 429, Headers = new Dictionary<string, Func<string>> { ["Retry-After"] = () => "7200" } });

        var e = await Assert.ThrowsAsync<OnlineException>(() => Client(standIn, clock).GetParticipantsAsync(123, [456]));

        Assert.Equal(OnlineProblem.RateLimited, e.Problem);
        Assert.Equal("RunSignUp asks to wait 120 min before participants page 1 of event 456, race 123 (429 Too Many Requests), longer than the 5 min this client waits; try again later", e.Message);
        Assert.Empty(clock.Waits);
    }

    [Fact]
    public async Task Server_errors_and_a_cut_connection_are_tried_again_with_doubling_waits()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 3);
        standIn.Fail(RunSignUpStandIn.OnPage(1, 503, times: 1));
        standIn.Fail(new Fault { When = r => r.Query["page"] == "1", Abort = true });
        standIn.Fail(RunSignUpStandIn.OnPage(1, 500, times: 1));

        var entries = await Client(standIn, clock).GetParticipantsAsync(123, [456]);

        Assert.Equal(3, entries.Count);
        Assert.Equal([1, 2, 4], clock.Waits.Select(w => w.TotalSeconds));
        Assert.Equal(4, standIn.ParticipantRequests().Length);
    }

    [Fact]
    public async Task A_service_that_stays_down_fails_after_the_attempts_naming_the_call_and_the_answer()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 30);
        standIn.Fail(RunSignUpStandIn.OnPage(2, 502, body: "upstream gone"));

        var e = await Assert.ThrowsAsync<OnlineException>(() => Client(standIn, clock, new RunSignUpOptions { ResultsPerPage = 10 }).GetParticipantsAsync(123, [456]));

        Assert.Equal(OnlineProblem.Unavailable, e.Problem);
        Assert.Equal("RunSignUp did not answer participants page 2 of event 456, race 123 after 5 tries: 502 Bad Gateway (upstream gone)", e.Message);
        Assert.Equal([1, 2, 4, 8], clock.Waits.Select(w => w.TotalSeconds));
        Assert.Equal(6, standIn.ParticipantRequests().Length);
    }

    [Fact]
    public async Task Nothing_listening_is_a_transport_failure_after_the_attempts()
    {
        var clock = new JumpingClock();
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var client = new RunSignUpClient(Http, new RunSignUpCredentials("k", "s"),
            new RunSignUpOptions { BaseUrl = new Uri($"http://127.0.0.1:{port}/Rest/"), Calls = new CallPolicy { MaxAttempts = 3, RequestsPerHour = 1000, Burst = 100 } }, clock);

        var e = await Assert.ThrowsAsync<OnlineException>(() => client.GetParticipantsAsync(123, [456]));

        Assert.Equal(OnlineProblem.Unavailable, e.Problem);
        Assert.StartsWith("RunSignUp did not answer participants page 1 of event 456, race 123 after 3 tries: ConnectionError", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, clock.Waits.Count);
    }

    [Theory]
    [InlineData("[{\"event\":{\"event_id\":456},\"participants\":[{\"bib_num\":1,", "not JSON")]
    [InlineData("<html><body>Maintenance</body></html>", "not JSON")]
    [InlineData("{\"participants\":[]}", "a JSON object where a list of events with their participants was expected")]
    [InlineData("[{\"event\":{\"event_id\":456},\"participants\":{\"bib_num\":1}}]", "a JSON object where the list of participants was expected")]
    [InlineData("[{\"event\":{\"event_id\":456},\"participants\":[17]}]", "a participant that is a JSON number, not an object")]
    public async Task An_answer_that_is_not_the_documented_JSON_is_a_clear_failure(string body, string expected)
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 3);
        standIn.Fail(RunSignUpStandIn.OnPage(1, 200, body: body));

        var e = await Assert.ThrowsAsync<OnlineException>(() => Client(standIn, clock).GetParticipantsAsync(123, [456]));

        Assert.Equal(OnlineProblem.Malformed, e.Problem);
        Assert.StartsWith($"RunSignUp's answer to participants page 1 of event 456, race 123 is {expected}", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("; nothing was written", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_answer_over_the_size_limit_is_refused_whether_or_not_its_length_is_announced(bool chunked)
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 3);
        standIn.Fail(new Fault { When = _ => true, Status = 200, BodyBytes = 4L * 1024 * 1024, ChunkedBody = chunked });
        var options = new RunSignUpOptions { Calls = new CallPolicy { MaxResponseBytes = 256 * 1024, RequestsPerHour = 1000, Burst = 100 } };

        var e = await Assert.ThrowsAsync<OnlineException>(() => Client(standIn, clock, options).GetParticipantsAsync(123, [456]));

        Assert.Equal(OnlineProblem.TooLarge, e.Problem);
        Assert.Contains(chunked ? "is more than 262,144 bytes" : "is 4,194,304 bytes", e.Message, StringComparison.Ordinal);
        Assert.Single(standIn.ParticipantRequests());
    }

    [Fact]
    public async Task A_huge_error_page_is_still_a_server_error_tried_again()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 3);
        standIn.Fail(new Fault { When = _ => true, Status = 500, BodyBytes = 4L * 1024 * 1024, ContentType = "text/html" });
        var options = new RunSignUpOptions { Calls = new CallPolicy { MaxResponseBytes = 256 * 1024, RequestsPerHour = 1000, Burst = 100 } };

        var entries = await Client(standIn, clock, options).GetParticipantsAsync(123, [456]);

        Assert.Equal(3, entries.Count);
        Assert.Equal([TimeSpan.FromSeconds(1)], clock.Waits);
    }

    [Fact]
    public async Task A_long_pull_keeps_within_the_hourly_budget()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 40);
        var options = new RunSignUpOptions { ResultsPerPage = 2, Calls = new CallPolicy { RequestsPerHour = 8, Burst = 4, MaxBudgetWait = TimeSpan.FromHours(1) } };

        var entries = await Client(standIn, clock, options).GetParticipantsAsync(123, [456]);

        Assert.Equal(40, entries.Count);
        var times = standIn.ParticipantRequests().Select(r => r.At).ToList();
        Assert.Equal(21, times.Count);
        foreach (var start in times)
        {
            Assert.True(times.Count(t => t >= start && t < start + TimeSpan.FromHours(1)) <= 8, $"more than 8 calls in the hour from {start:HH:mm:ss}");
        }

        // 4 at once, then one every 15 minutes (4 an hour after the burst).
        Assert.Equal(TimeSpan.FromMinutes(15 * 17), times[^1] - times[0]);
    }
}
