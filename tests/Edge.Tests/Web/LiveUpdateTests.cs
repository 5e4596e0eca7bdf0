using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Edge.Appliance.Results;
using Edge.Appliance.Web;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Web;

/// <summary>The server-sent event stream live pages and displays listen to.</summary>
public class LiveUpdateTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_runners_page_is_told_at_once_when_they_finish_even_while_race_news_is_held_back()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting, "--Web:LiveInterval=00:00:20");
        using var feed = await RaceScenario.FeedAsync(box);
        using var events = await SseReader.OpenAsync(box.Http, "/events?race=10k&bib=104");
        Assert.Equal(HttpStatusCode.OK, events.Response.StatusCode);
        Assert.Equal("text/event-stream", events.Response.Content.Headers.ContentType!.MediaType);
        Assert.Null((await events.NextAsync(Wait))!.Comment);
        await WaitForSubscribersAsync(box, 1);

        // News of the race goes out, and the next is held back for the interval (20 s here)...
        await feed.ReadAsync("5k", "102", "08:25:00.00");
        Assert.DoesNotContain("104", (await events.WaitForAsync(e => e.Event == "change", Wait)).Data);

        // ...but this runner's own finish is not.
        var sent = Stopwatch.StartNew();
        await feed.ReadAsync("finish", "104", "08:44:00.00");
        var change = await events.WaitForAsync(e => e.Event == "change", Wait);
        var elapsed = sent.Elapsed;
        var data = JsonDocument.Parse(change.Data).RootElement;
        Assert.Equal("104", data.GetProperty("bibs")[0].GetString());
        Assert.Contains("104", data.GetProperty("finished").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(data.GetProperty("v").GetInt64().ToString(), change.Id);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"finish to event took {elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task A_page_that_missed_changes_is_told_to_refresh_at_once_and_an_idle_stream_gets_heartbeats()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting, "--Web:LiveHeartbeat=00:00:00.300");
        using var feed = await RaceScenario.FeedAsync(box);
        var version = box.Services.GetRequiredService<ResultsService>().Current.Version;

        // Rendered before the race's reads arrived: the page is stale and hears so straight away.
        using (var stale = await SseReader.OpenAsync(box.Http, "/events?race=10k&v=1"))
        {
            var change = await stale.WaitForAsync(e => e.Event == "change", TimeSpan.FromSeconds(1));
            Assert.Equal(version.ToString(), change.Id);
        }

        // A reconnecting EventSource that saw the latest version hears nothing but the heartbeat comment.
        using var current = await SseReader.OpenAsync(box.Http, "/events?race=10k&v=1", lastEventId: version.ToString());
        Assert.Null((await current.NextAsync(Wait))!.Comment);
        var next = await current.NextAsync(Wait);
        Assert.Equal("ping", next!.Comment);
    }

    [Fact]
    public async Task A_race_stream_hears_its_race_only_and_coalesces_bursts_into_one_event_per_interval()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting, "--Web:LiveInterval=00:00:01.500", "--Web:LiveHeartbeat=00:00:00.500");
        using var feed = await RaceScenario.FeedAsync(box);
        using var events = await SseReader.OpenAsync(box.Http, "/events?race=10k");
        await events.NextAsync(Wait);
        await WaitForSubscribersAsync(box, 1);

        // Another race's change is not this stream's business.
        await feed.ReadAsync("start", "202", "08:01:00.00");
        await box.WaitForStatusAsync("202", ParticipantStatus.Started);
        Assert.Equal("ping", (await events.NextAsync(Wait))!.Comment);

        await feed.ReadAsync("5k", "102", "08:25:00.00");
        var first = await events.WaitForAsync(e => e.Event == "change", Wait);
        await feed.ReadAsync("finish", "104", "08:44:00.00");
        await box.WaitForStatusAsync("104", ParticipantStatus.Finished);
        await feed.ReadAsync("5k", "1010", "08:30:00.00");
        var second = await events.WaitForAsync(e => e.Event == "change", Wait);
        Assert.Contains("102", first.Data);
        Assert.True(second.At - first.At >= TimeSpan.FromSeconds(1.3), $"second event {(second.At - first.At).TotalMilliseconds:F0} ms after the first");
        var bibs = JsonDocument.Parse(second.Data).RootElement.GetProperty("bibs").EnumerateArray().Select(b => b.GetString()).ToList();
        Assert.Contains("104", bibs);
        Assert.Contains("1010", bibs);
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_told_to_come_back_and_an_unknown_race_is_404()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting, "--Web:MaxLiveClients=1");
        using var first = await SseReader.OpenAsync(box.Http, "/events");
        Assert.Equal(HttpStatusCode.OK, first.Response.StatusCode);
        await WaitForSubscribersAsync(box, 1);
        using var second = await SseReader.OpenAsync(box.Http, "/events");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.Response.StatusCode);
        Assert.NotNull(second.Response.Headers.RetryAfter);

        using var unknown = await box.Http.GetAsync("/events?race=marathon");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_stopping_box_ends_the_streams_instead_of_waiting_for_the_phones()
    {
        using var meet = TestMeet.Standard();
        var box = await TestBox.StartAsync(null, meet.Setting);
        using var events = await SseReader.OpenAsync(box.Http, "/events?race=10k");
        await events.NextAsync(Wait);
        await WaitForSubscribersAsync(box, 1);
        var clock = Stopwatch.StartNew();
        await box.DisposeAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed.TotalSeconds:F1} s");
        // A change already on its way (the start's results replay publishing) may still arrive; then the stream ends.
        var after = new List<ServerEvent>();
        while (await events.NextAsync(Wait) is { } late)
        {
            after.Add(late);
            Assert.True(after.Count < 5, $"the stream went on after the box stopped: {string.Join(", ", after)}");
        }
    }

    private static async Task WaitForSubscribersAsync(TestBox box, int count)
    {
        var live = box.Services.GetRequiredService<LiveUpdates>();
        var clock = Stopwatch.StartNew();
        while (live.Count < count)
        {
            Assert.True(clock.Elapsed < Wait, $"{live.Count} live clients, expected {count}");
            await Task.Delay(5);
        }
    }
}
