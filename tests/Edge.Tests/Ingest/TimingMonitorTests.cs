using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Edge.Appliance.Ingest;
using Edge.Appliance.Results;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Ingest;

/// <summary>
/// The console's timing and clock views through the real box: CTP01 over real sockets, the box's wall clock stepped
/// by the test (the monitor's minutes, "seconds ago" and alarms follow it), the time-source probe faked.
/// </summary>
public sealed class TimingMonitorTests : IAsyncLifetime
{
    private readonly SteppedClock _clock = new();
    private readonly FixedProbe _probe = new(true);
    private readonly TestMeet _meet = TestMeet.Standard();
    private TestBox _box = null!;

    private TimingMonitor Monitor => _box.Services.GetRequiredService<TimingMonitor>();

    public async Task InitializeAsync() =>
        _box = await TestBox.StartWithAsync(services =>
        {
            services.AddSingleton<TimeProvider>(_clock);
            services.AddSingleton<TimeSourceProbe>(_probe);
        }, null, _meet.Setting);

    public async Task DisposeAsync()
    {
        await _box.DisposeAsync();
        _meet.Dispose();
    }

    [Fact]
    public async Task A_connection_appears_and_its_drop_alarms_until_a_connection_for_its_locations_is_back()
    {
        using (var client = await RawClient.ConnectAsync(_box.TimingPort))
        {
            await client.HandshakeAsync("laptop-1", "start", "finish");
            await client.SendAsync(Line("start", 1, "101", _clock.GetUtcNow()));
            var seen = await WaitForAsync(s => s.Connections.Any(c => c.LastRead is not null), "a connection with a read");
            var connection = Assert.Single(seen.Connections);
            Assert.True(connection.Open);
            Assert.Equal(["start", "finish"], connection.Locations);
            Assert.StartsWith("127.0.0.1:", connection.RemoteAddress);
            Assert.Equal("laptop-1", connection.ConnectionId);
            Assert.Equal(("start", "101"), (connection.LastRead!.Location, connection.LastRead.Tag));
            Assert.Empty(seen.Alarms);
        }

        var dropped = await WaitForAsync(s => s.Alarms.Count == 2, "two dropped alarms");
        Assert.All(dropped.Alarms, a => Assert.Equal(AlarmKinds.ConnectionDropped, a.Kind));
        Assert.Equal(["finish", "start"], dropped.Alarms.Select(a => a.Location).Order());
        Assert.False(Assert.Single(dropped.Connections).Open);

        // Closed connections stay listed with how long ago they were last seen (on the box's clock).
        _clock.Step(TimeSpan.FromSeconds(40));
        var later = Monitor.Snapshot();
        Assert.True(later.Connections[0].LastSeenSecondsAgo >= 40, $"last seen {later.Connections[0].LastSeenSecondsAgo} s ago");
        Assert.Contains("closed 40 s ago", later.Alarms[0].Message);

        // A connection for the start only clears the start's alarm; one for the finish clears the rest.
        using var start = await RawClient.ConnectAsync(_box.TimingPort);
        await start.HandshakeAsync("laptop-2", "start");
        var partly = await WaitForAsync(s => s.Alarms.Count == 1, "only the finish's alarm left");
        Assert.Equal("finish", partly.Alarms[0].Location);
        using var finish = await RawClient.ConnectAsync(_box.TimingPort);
        await finish.HandshakeAsync("laptop-3", "finish");
        var back = await WaitForAsync(s => s.Alarms.Count == 0, "no alarms once both locations are served");
        Assert.Equal([true, true, false], back.Connections.Select(c => c.Open));
    }

    [Fact]
    public async Task Reads_are_counted_per_minute_of_the_box_clock_per_location()
    {
        AlignToMinute();
        using var client = await RawClient.ConnectAsync(_box.TimingPort);
        await client.HandshakeAsync("laptop-1", "start", "finish");
        var now = _clock.GetUtcNow();
        await client.SendAsync(
            Line("start", 1, "101", now), Line("start", 2, "102", now), Line("start", 3, "103", now),
            Line("finish", 1, "101", now), Line("finish", 2, "9999", now));
        await WaitForAsync(s => Reads(s, "finish", 1) == 2 && Reads(s, "start", 1) == 3, "the first minute's reads");

        _clock.Step(TimeSpan.FromMinutes(1));
        now = _clock.GetUtcNow();
        // Four new reads and a resend of a line this connection sent before.
        await client.SendAsync(
            Line("finish", 3, "102", now), Line("finish", 4, "103", now), Line("finish", 5, "104", now), Line("finish", 6, "105", now),
            Line("finish", 2, "9999", now));
        var snapshot = await WaitForAsync(s => Location(s, "finish")?.Minutes[^1] is { Reads: 4, Resent: 1 }, "the second minute's reads");

        var start = Location(snapshot, "start")!;
        var finish = Location(snapshot, "finish")!;
        Assert.Equal(TimingMonitor.WindowMinutes, finish.Minutes.Count);
        Assert.Equal([3, 0], start.Minutes.TakeLast(2).Select(m => m.Reads));
        Assert.Equal((2, 1, 0), (finish.Minutes[^2].Reads, finish.Minutes[^2].Unknown, finish.Minutes[^2].Resent));
        Assert.Equal((4, 0, 1), (finish.Minutes[^1].Reads, finish.Minutes[^1].Unknown, finish.Minutes[^1].Resent));
        Assert.Equal(TimeSpan.FromMinutes(1), finish.Minutes[^1].Minute - finish.Minutes[^2].Minute);
        Assert.Equal(0, finish.Minutes[^1].Minute.Second);
        Assert.Equal([1, 0], snapshot.UnknownPerMinute.TakeLast(2).Select(m => m.Unknown));
        Assert.Equal(("finish", "105"), (finish.LastRead!.Location, finish.LastRead.Tag));

        // The older minute leaves the window after 30 minutes.
        _clock.Step(TimeSpan.FromMinutes(TimingMonitor.WindowMinutes - 1));
        Assert.Equal(0, Location(Monitor.Snapshot(), "start")!.Minutes.Sum(m => m.Reads));
        Assert.Equal(4, Location(Monitor.Snapshot(), "finish")!.Minutes.Sum(m => m.Reads));
    }

    [Fact]
    public async Task The_offset_is_measured_from_live_reads_of_a_controller_90_s_ahead_and_a_backlog_after_a_reconnect_leaves_it_alone()
    {
        AlignToMinute();
        var ahead = TimeSpan.FromSeconds(90);
        using (var client = await RawClient.ConnectAsync(_box.TimingPort))
        {
            await client.HandshakeAsync("laptop-1", "finish");
            var at = _clock.GetUtcNow() + ahead;
            await client.SendAsync([.. Enumerable.Range(1, 20).Select(i => Line("finish", i, (100 + i).ToString(CultureInfo.InvariantCulture), at.AddMilliseconds(i * 10)))]);
            var measured = await WaitForAsync(s => Location(s, "finish")?.Offset?.Samples == 20, "20 offset samples");
            var offset = Location(measured, "finish")!.Offset!;
            Assert.InRange(offset.Seconds, 89.5, 91);
            Assert.False(offset.Drifting);
            Assert.False(measured.Clock.Suspect, string.Join("; ", measured.Clock.Reasons));

            var controller = Monitor.ControllerNow("finish");
            Assert.InRange((controller.At - _clock.GetUtcNow()).TotalSeconds, 89, 91);
            Assert.Equal("finish", controller.Location);
            Assert.Contains("offset of location finish measured from 20 reads", controller.Source);
            Assert.Contains("offset of location finish", Monitor.ControllerNow().Source);
            Assert.Contains("no reads at 5k yet", Monitor.ControllerNow("5k").Source);
            await _box.WaitForReadsAsync(20);
        }

        await WaitForAsync(s => s.Connections.All(c => !c.Open), "the connection closed");
        var disconnectedAt = _clock.GetUtcNow();
        _clock.Step(TimeSpan.FromMinutes(3));
        using (var client = await RawClient.ConnectAsync(_box.TimingPort))
        {
            // The middleware resends a few lines it already sent, then its backlog from the three minutes away,
            // then live reads again.
            var resume = await client.HandshakeAsync("laptop-1", "finish");
            Assert.Equal("start~finish~21", resume[^1]);
            var now = _clock.GetUtcNow();
            await client.SendAsync(
            [
                .. Enumerable.Range(15, 6).Select(i => Line("finish", i, "1" + i, disconnectedAt + ahead)),
                .. Enumerable.Range(21, 20).Select(i => Line("finish", i, "1" + i, disconnectedAt + ahead + TimeSpan.FromSeconds((i - 20) * 5))),
                .. Enumerable.Range(41, 5).Select(i => Line("finish", i, "1" + i, now + ahead)),
            ]);
            var after = await WaitForAsync(s => Location(s, "finish")?.Offset?.Samples == 25, "25 offset samples");
            var offset = Location(after, "finish")!.Offset!;
            Assert.Equal(20, offset.LateReads);
            Assert.InRange(offset.Seconds, 89.5, 91);
            Assert.False(offset.Drifting, $"drift {offset.DriftSeconds} s");
            Assert.Equal((25, 6), (Location(after, "finish")!.Minutes[^1].Reads, Location(after, "finish")!.Minutes[^1].Resent));
        }
    }

    [Fact]
    public async Task The_box_clock_is_suspect_when_the_controllers_are_hours_off_when_it_reads_before_2024_or_has_no_time_source()
    {
        var calm = Monitor.Snapshot().Clock;
        Assert.False(calm.Suspect, string.Join("; ", calm.Reasons));
        Assert.Equal("box clock, no reads yet", calm.ControllerNow.Source);
        Assert.True(calm.Synchronized);

        using var client = await RawClient.ConnectAsync(_box.TimingPort);
        await client.HandshakeAsync("laptop-1", "start", "finish");
        var hoursAhead = _clock.GetUtcNow() + TimeSpan.FromHours(3);
        await client.SendAsync(
            Line("start", 1, "101", hoursAhead), Line("start", 2, "102", hoursAhead),
            Line("finish", 1, "103", hoursAhead.AddMinutes(-1)), Line("finish", 2, "104", hoursAhead.AddMinutes(-1)));
        var off = (await WaitForAsync(s => s.Locations.Count(l => l.Offset is not null) == 2, "offsets at both locations")).Clock;
        Assert.True(off.Suspect);
        Assert.Contains(off.Reasons, r => r.Contains("2 h 59 min ahead of the box's", StringComparison.Ordinal));
        Assert.InRange(off.ConsensusOffsetSeconds!.Value, 3 * 3600 - 31, 3 * 3600 - 29);
        Assert.Contains("median offset of 2 locations (finish, start) measured from 4 reads", off.ControllerNow.Source);

        _probe.Value = false;
        Assert.Contains(Monitor.Snapshot().Clock.Reasons, r => r.Contains("no time source", StringComparison.Ordinal));

        _clock.Step(new DateTimeOffset(2023, 6, 1, 0, 0, 0, TimeSpan.Zero) - _clock.GetUtcNow());
        Assert.Contains(Monitor.Snapshot().Clock.Reasons, r => r.Contains("before 2024", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mat_quiet_alarm_rises_when_runners_passed_the_split_and_the_finish_sends_nothing()
    {
        using var client = await RawClient.ConnectAsync(_box.TimingPort);
        await client.HandshakeAsync("laptop-1", "start", "5k", "finish");
        var bibs = new[] { "101", "102", "103", "104", "105" };
        var gun = _clock.GetUtcNow();
        await client.SendAsync(
        [
            Line("start", 1, "guntime", gun),
            .. bibs.Select((bib, i) => Line("start", i + 2, bib, gun.AddSeconds(i + 1))),
        ]);
        await WaitForAsync(s => Location(s, "start")?.Offset?.Samples == 5, "the start reads");

        // Everyone passes 5 km at 25 minutes: 5 min/km, so the finish is due at about 50 minutes.
        _clock.Step(TimeSpan.FromMinutes(25));
        var split = _clock.GetUtcNow();
        await client.SendAsync([.. bibs.Select((bib, i) => Line("5k", i + 1, bib, split.AddSeconds(i)))]);
        await WaitForAsync(s => Location(s, "5k")?.Offset?.Samples == 5, "the 5 km reads");
        await _box.WaitForResultsAsync(r => bibs.All(b => r.ByBib[b].Status == ParticipantStatus.OnCourse && r.ByBib[b].Splits.Count == 1), "five runners past 5 km");
        Assert.DoesNotContain(Monitor.Snapshot().Alarms, a => a.Kind == AlarmKinds.MatQuiet);

        // At 53 minutes they are late, but within the grace.
        _clock.Step(TimeSpan.FromMinutes(28));
        Assert.DoesNotContain(Monitor.Snapshot().Alarms, a => a.Kind == AlarmKinds.MatQuiet);

        // At 57 minutes they are overdue by more than the grace and the finish has never sent a read.
        _clock.Step(TimeSpan.FromMinutes(4));
        var quiet = Assert.Single(Monitor.Snapshot().Alarms);
        Assert.Equal((AlarmKinds.MatQuiet, "finish"), (quiet.Kind, quiet.Location));
        Assert.Contains("No read at finish yet, while 5 runners", quiet.Message);
        var since = quiet.Since;
        _clock.Step(TimeSpan.FromSeconds(10));
        Assert.Equal(since, Assert.Single(Monitor.Snapshot().Alarms).Since);

        // The finish mat reads again: the alarm clears although the others are still out.
        await client.SendAsync(Line("finish", 1, "101", _clock.GetUtcNow()));
        await WaitForAsync(s => s.Alarms.Count == 0, "the mat-quiet alarm to clear");
    }

    [Fact]
    public async Task An_unknown_tag_spike_alarms_when_a_minute_brings_well_above_the_recent_rate()
    {
        AlignToMinute();
        using var client = await RawClient.ConnectAsync(_box.TimingPort);
        await client.HandshakeAsync("laptop-1", "5k", "finish");
        var sequence = new Dictionary<string, int>();
        var tag = 9000;
        async Task SendAsync(string location, int unknown, int known = 0)
        {
            var now = _clock.GetUtcNow();
            var lines = Enumerable.Range(0, unknown).Select(_ => (tag++).ToString(CultureInfo.InvariantCulture))
                .Concat(Enumerable.Range(0, known).Select(k => TestMeet.SmallRoster[k % TestMeet.SmallRoster.Length][0]))
                .Select(t => Line(location, sequence[location] = sequence.GetValueOrDefault(location) + 1, t, now));
            await client.SendAsync([.. lines]);
        }

        // Ten minutes of a steady trickle of unknown tags: 1 a minute at the finish, 5 a minute at 5 km.
        for (var minute = 0; minute < TimingMonitor.SpikeBaselineMinutes; minute++)
        {
            await SendAsync("finish", 1);
            await SendAsync("5k", 5);
            await WaitForAsync(s => Location(s, "finish")?.Minutes[^1].Unknown == 1 && Location(s, "5k")?.Minutes[^1].Unknown == 5, $"minute {minute}");
            _clock.Step(TimeSpan.FromMinutes(1));
        }

        // Nine unknown reads (and many known ones) are not yet a spike; twelve are, at the finish. At 5 km twelve are
        // less than three times its usual five.
        await SendAsync("finish", 9, known: 20);
        await WaitForAsync(s => Location(s, "finish")?.Minutes[^1] is { Reads: 29, Unknown: 9 }, "nine unknown reads");
        Assert.Empty(Monitor.Snapshot().Alarms);
        await SendAsync("finish", 3);
        await SendAsync("5k", 12);
        var spike = await WaitForAsync(s => s.Alarms.Count > 0 && Location(s, "5k")?.Minutes[^1].Unknown == 12, "a spike");
        var alarm = Assert.Single(spike.Alarms);
        Assert.Equal((AlarmKinds.UnknownTagSpike, "finish"), (alarm.Kind, alarm.Location));
        Assert.Contains("12 reads of unknown tags at finish in this minute, against 1 a minute", alarm.Message);
        Assert.Equal(12 + 12, spike.UnknownPerMinute[^1].Unknown);

        // It holds over the turn of the minute, and is gone a minute later.
        _clock.Step(TimeSpan.FromMinutes(1));
        Assert.Contains("in the last minute", Assert.Single(Monitor.Snapshot().Alarms).Message);
        _clock.Step(TimeSpan.FromMinutes(1));
        Assert.Empty(Monitor.Snapshot().Alarms);
    }

    [Fact]
    public async Task The_snapshot_serializes_as_camel_case_json()
    {
        using var client = await RawClient.ConnectAsync(_box.TimingPort);
        await client.HandshakeAsync("laptop-1", "finish");
        await client.SendAsync(Line("finish", 1, "101", _clock.GetUtcNow()));
        var snapshot = await WaitForAsync(s => s.Locations.Any(l => l.Offset is not null), "a read");
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(snapshot, JsonSerializerOptions.Web));
        var location = json.RootElement.GetProperty("locations")[0];
        Assert.Equal("finish", location.GetProperty("name").GetString());
        Assert.Equal(1, location.GetProperty("minutes")[TimingMonitor.WindowMinutes - 1].GetProperty("reads").GetInt32());
        Assert.True(location.GetProperty("offset").TryGetProperty("seconds", out _));
        Assert.Equal("finish", json.RootElement.GetProperty("connections")[0].GetProperty("lastRead").GetProperty("location").GetString());
        Assert.True(json.RootElement.GetProperty("clock").GetProperty("controllerNow").TryGetProperty("source", out _));
    }

    [Fact]
    public void The_system_probe_reads_the_kernel_clock_state_on_linux()
    {
        // adjtimex answers on any Linux (in a container too): synchronized or not, never "cannot tell".
        Assert.Equal(OperatingSystem.IsLinux(), new TimeSourceProbe().IsSynchronized() is not null);
    }

    /// <summary>A CTP01 read in iso time (the standard meet's zone is UTC).</summary>
    private static string Line(string location, int sequence, string tag, DateTimeOffset at) =>
        $"CT01_33~{sequence}~{location}~{tag}~{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ff}~{(tag == "guntime" ? 0 : 1)}~0F2A38~{(tag == "guntime" ? 0 : 1)}";

    private static MonitoredLocation? Location(MonitorSnapshot snapshot, string name) => snapshot.Locations.FirstOrDefault(l => l.Name == name);

    private static int Reads(MonitorSnapshot snapshot, string location, int minutesBack) =>
        Location(snapshot, location)?.Minutes[^minutesBack].Reads ?? -1;

    /// <summary>Steps the box's clock to one second into a minute, so what a test sends next lands in one minute.</summary>
    private void AlignToMinute()
    {
        var now = _clock.GetUtcNow();
        _clock.Step(TimeSpan.FromSeconds(61 - now.Second) - TimeSpan.FromMilliseconds(now.Millisecond));
    }

    private async Task<MonitorSnapshot> WaitForAsync(Func<MonitorSnapshot, bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var snapshot = Monitor.Snapshot();
            if (condition(snapshot))
            {
                return snapshot;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                Assert.Fail($"timed out waiting for {what}; monitor: {JsonSerializer.Serialize(snapshot, JsonSerializerOptions.Web)}");
            }

            await Task.Delay(20);
        }
    }

    private sealed class FixedProbe(bool? value) : TimeSourceProbe
    {
        public bool? Value { get; set; } = value;

        public override bool? IsSynchronized() => Value;
    }
}
