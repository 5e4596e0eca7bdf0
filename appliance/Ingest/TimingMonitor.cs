using System.Collections.Concurrent;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Appliance.Store;
using Edge.Store;

namespace Edge.Appliance.Ingest;

/// <summary>
/// The data behind the console's timing and clock views: every CTP01 connection (open, or recently closed), reads
/// and unknown tags per minute of the box's clock for each location, each controller's clock against the box's,
/// and alarms. Sessions tell it about each read (a few field updates under a per-location lock); the console polls
/// <see cref="Snapshot"/>, which costs O(locations × minutes) plus, at most every few seconds, one pass over the
/// results snapshot for the mat-quiet alarm. Nothing here reads the log.
/// </summary>
/// <remarks>
/// Box-clock figures (minutes, "seconds ago") follow the box's wall clock, which chrony may step; results never
/// depend on them. Reads are unknown when no participant of the meet folder carries their tag (the chip column,
/// else the bib). A bib-swap correction that hands a tag outside the roster to a participant is not seen here:
/// the results snapshot does not expose the engine's tag owners.
/// </remarks>
public sealed class TimingMonitor(ReadStore store, ResultsService results, MeetHost meetHost, TimeSourceProbe probe, TimeProvider time)
{
    /// <summary>Minutes of the box's clock each location's counts cover (the current one included).</summary>
    public const int WindowMinutes = 30;

    /// <summary>Closed connections kept for the console.</summary>
    public const int ClosedKept = 50;

    /// <summary>Locations tracked at most (a sender inventing location names cannot grow the monitor without end).</summary>
    public const int MaxLocations = 256;

    /// <summary>Unknown reads in a minute that can make a spike, at least.</summary>
    public const int SpikeMinimum = 10;

    /// <summary>A spike is this many times the average per minute of the <see cref="SpikeBaselineMinutes"/> before it, at least.</summary>
    public const double SpikeFactor = 3;

    public const int SpikeBaselineMinutes = 10;

    /// <summary>Runners overdue at a quiet mat for a matQuiet alarm, at least (one runner may simply have stopped).</summary>
    public const int MatQuietRunners = 3;

    /// <summary>A location's offset moving more than this over the window is drifting.</summary>
    public static readonly TimeSpan DriftThreshold = TimeSpan.FromSeconds(2);

    /// <summary>The box's clock differing from the controllers' by more than this is suspect.</summary>
    public static readonly TimeSpan SuspectOffset = TimeSpan.FromMinutes(5);

    /// <summary>A box clock before this is not set (a Pi without a battery-backed clock starts near its image's date).</summary>
    public static readonly DateTimeOffset EarliestPlausible = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A runner is overdue this long after their expected arrival.</summary>
    public static readonly TimeSpan MatQuietGrace = TimeSpan.FromMinutes(5);

    /// <summary>A mat is quiet after this long without a read (controller clock).</summary>
    public static readonly TimeSpan MatQuietAfter = TimeSpan.FromMinutes(5);

    /// <summary>Who is due where is worked out again after this long (or when the box's clock jumps).</summary>
    public static readonly TimeSpan DueRefresh = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<long, ConnectionWatch> _open = new();
    private readonly LinkedList<ConnectionWatch> _closed = new();
    private readonly ConcurrentDictionary<string, LocationWatch> _locations = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Kind, string? Location), DateTimeOffset> _since = [];
    private readonly Lock _lock = new();
    private Roster _roster = new(null, []);
    private DueCache? _due;

    /// <summary>The controllers' time now: the box's clock plus the offset of <paramref name="location"/>, or the median of all locations' offsets.</summary>
    public ControllerTime ControllerNow(string? location = null)
    {
        var now = time.GetUtcNow();
        return ControllerNow(now, Offsets(now.ToUnixTimeMilliseconds()), location);
    }

    /// <summary>Everything the console's timing and clock views show, as of now.</summary>
    public MonitorSnapshot Snapshot()
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        // A connection closing is in the closed list a moment before it leaves the open ones: list it once.
        var open = _open.Values.Where(c => c.ClosedAt is null).OrderBy(c => c.Info.Id).ToList();
        List<ConnectionWatch> closed;
        lock (_lock)
        {
            closed = [.. _closed];
        }

        var served = open.SelectMany(c => c.Info.Locations).ToHashSet(StringComparer.Ordinal);
        var stored = store.Locations.ToDictionary(l => l.Name, StringComparer.Ordinal);
        var figures = _locations.Values.ToDictionary(l => l.Name, l => (Watch: l, Figures: l.Figures(nowMs, WindowMinutes, DriftThreshold)), StringComparer.Ordinal);
        var locations = figures.Keys.Union(stored.Keys).Order(StringComparer.Ordinal).Select(name =>
        {
            var f = figures.TryGetValue(name, out var found) ? found.Figures : null;
            var totals = stored.GetValueOrDefault(name);
            return new MonitoredLocation(name, served.Contains(name), totals?.Reads ?? 0, totals?.LastSequence ?? 0, f?.LastRead,
                f?.Minutes ?? Empty(nowMs), f?.Offset);
        }).ToList();

        var unknown = Empty(nowMs);
        foreach (var (_, f) in figures.Values)
        {
            for (var k = 0; k < unknown.Length; k++)
            {
                unknown[k] = unknown[k] with { Unknown = unknown[k].Unknown + f.Minutes[k].Unknown };
            }
        }

        var offsets = figures.Values.Where(f => f.Figures.Offset is not null).ToDictionary(f => f.Watch.Name, f => f.Figures.Offset!, StringComparer.Ordinal);
        var clock = Clock(now, offsets);
        var alarms = new List<TimingAlarm>();
        Dropped(now, closed, served, alarms);
        Spikes(nowMs, figures.Values.Select(f => (f.Watch.Name, f.Figures)), alarms);
        Quiet(now, offsets, stored, alarms);

        return new MonitorSnapshot(now, [.. open.Select(c => c.View(now)), .. closed.Select(c => c.View(now))], locations, unknown, clock, Stamp(now, alarms));
    }

    /// <summary>A connection opened (the listener's handler, before the conversation starts).</summary>
    internal ConnectionWatch Opened(TimingConnection info)
    {
        var watch = new ConnectionWatch(info);
        _open[info.Id] = watch;
        return watch;
    }

    /// <summary>A connection closed; it is kept (the last <see cref="ClosedKept"/>) for the console and the dropped alarm.</summary>
    internal void Closed(ConnectionWatch watch, string reason)
    {
        watch.Close(time.GetUtcNow(), reason);
        lock (_lock)
        {
            _closed.AddFirst(watch);
            while (_closed.Count > ClosedKept)
            {
                _closed.RemoveLast();
            }
        }

        _open.TryRemove(watch.Info.Id, out _);
    }

    /// <summary>
    /// A read or gun line the session handed to the store. A resend is a line whose sequence number is at or below
    /// the position stored for its location when the connection opened (<paramref name="storedSequence"/>), or at or
    /// below one this connection already delivered there: the store counts it as a duplicate, and it is no new read.
    /// </summary>
    internal void Read(ConnectionWatch connection, in NewLogEntry entry, long storedSequence)
    {
        if (entry.Kind != LogKind.Read)
        {
            return;
        }

        var resend = entry.Sequence > 0 && entry.Sequence <= Math.Max(storedSequence, connection.Highest.GetValueOrDefault(entry.Location));
        if (!resend)
        {
            connection.Highest[entry.Location] = entry.Sequence;
            connection.SetLast(entry.Location, entry.Tag, entry.ReceivedMs, entry.AtMs);
        }

        var location = _locations.TryGetValue(entry.Location, out var known) ? known
            : _locations.Count < MaxLocations ? _locations.GetOrAdd(entry.Location, static name => new LocationWatch(name))
            : null;
        location?.Add(entry.Tag, entry.AtMs, entry.ReceivedMs, resend, !resend && IsUnknown(entry.Tag));
    }

    /// <summary>No participant carries the tag (a roster without participants knows no tags, so nothing is unknown).</summary>
    private bool IsUnknown(string tag)
    {
        var meet = meetHost.Current;
        var roster = Volatile.Read(ref _roster);
        if (!ReferenceEquals(roster.Source, meet))
        {
            // Once per meet folder (re)load: a set of every participant's tag.
            roster = new Roster(meet, meet.Participants.Select(p => p.Tag).ToHashSet(StringComparer.Ordinal));
            Volatile.Write(ref _roster, roster);
        }

        return roster.Tags.Count > 0 && !roster.Tags.Contains(tag);
    }

    private Dictionary<string, ClockOffset> Offsets(long nowMs) =>
        _locations.Values.Select(l => (l.Name, l.Figures(nowMs, WindowMinutes, DriftThreshold).Offset))
            .Where(o => o.Offset is not null).ToDictionary(o => o.Name, o => o.Offset!, StringComparer.Ordinal);

    private static ControllerTime ControllerNow(DateTimeOffset now, Dictionary<string, ClockOffset> offsets, string? location)
    {
        if (location is not null && offsets.TryGetValue(location, out var own))
        {
            return new ControllerTime(now.AddSeconds(own.Seconds), own.Seconds, location, own.Samples,
                $"box clock {Signed(own.Seconds)}: offset of location {location} measured from {own.Samples} reads");
        }

        if (Consensus(offsets) is not { } consensus)
        {
            return new ControllerTime(now, 0, null, 0, "box clock, no reads yet");
        }

        var samples = offsets.Values.Sum(o => o.Samples);
        var which = offsets.Count == 1 ? $"offset of location {offsets.Keys.Single()}" : $"median offset of {offsets.Count} locations ({string.Join(", ", offsets.Keys.Order(StringComparer.Ordinal))})";
        var why = location is null ? "" : $"; no reads at {location} yet";
        return new ControllerTime(now.AddSeconds(consensus), consensus, null, samples, $"box clock {Signed(consensus)}: {which} measured from {samples} reads{why}");
    }

    private static double? Consensus(Dictionary<string, ClockOffset> offsets)
    {
        if (offsets.Count == 0)
        {
            return null;
        }

        var sorted = offsets.Values.Select(o => o.Seconds).Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private ClockStatus Clock(DateTimeOffset now, Dictionary<string, ClockOffset> offsets)
    {
        var reasons = new List<string>();
        if (now < EarliestPlausible)
        {
            reasons.Add($"the box's clock reads {now:yyyy-MM-dd HH:mm} UTC, before {EarliestPlausible:yyyy}: it was not set");
        }

        var consensus = Consensus(offsets);
        if (consensus is { } seconds && Math.Abs(seconds) > SuspectOffset.TotalSeconds)
        {
            reasons.Add($"the controllers' clocks are {Duration(TimeSpan.FromSeconds(Math.Abs(seconds)))} {(seconds > 0 ? "ahead of" : "behind")} the box's");
        }

        var synchronized = probe.IsSynchronized();
        if (synchronized == false)
        {
            reasons.Add("the system reports no time source (the clock is not synchronized)");
        }

        return new ClockStatus(now, synchronized, consensus, reasons.Count > 0, reasons, ControllerNow(now, offsets, null));
    }

    /// <summary>One alarm per location whose latest connection closed and that no open connection serves.</summary>
    private static void Dropped(DateTimeOffset now, List<ConnectionWatch> closed, HashSet<string> served, List<TimingAlarm> alarms)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var connection in closed)
        {
            foreach (var location in connection.Info.Locations.Where(l => l.Length > 0 && !served.Contains(l) && named.Add(l)))
            {
                var closedAt = connection.ClosedAt!.Value;
                alarms.Add(new TimingAlarm(AlarmKinds.ConnectionDropped, location,
                    $"No timing connection for {location}: the last one (from {connection.Info.RemoteAddress}) closed {Duration(now - closedAt)} ago ({connection.CloseReason})",
                    closedAt));
            }
        }
    }

    private static void Spikes(long nowMs, IEnumerable<(string Name, LocationFigures Figures)> locations, List<TimingAlarm> alarms)
    {
        var minute = nowMs / 60_000 * 60_000;
        foreach (var (name, figures) in locations)
        {
            // The minute before, then the current one: the alarm holds over the turn of the minute.
            foreach (var back in new[] { 1, 0 })
            {
                var n = figures.UnknownBack[back];
                var baseline = figures.UnknownBack.Skip(back + 1).Take(SpikeBaselineMinutes).Sum() / (double)SpikeBaselineMinutes;
                if (n >= SpikeMinimum && n >= SpikeFactor * baseline)
                {
                    alarms.Add(new TimingAlarm(AlarmKinds.UnknownTagSpike, name,
                        $"{n} reads of unknown tags at {name} in {(back == 0 ? "this minute" : "the last minute")}, against {baseline:0.#} a minute over the {SpikeBaselineMinutes} minutes before",
                        DateTimeOffset.FromUnixTimeMilliseconds(minute - back * 60_000)));
                    break;
                }
            }
        }
    }

    private void Quiet(DateTimeOffset now, Dictionary<string, ClockOffset> offsets, Dictionary<string, LocationTotals> stored, List<TimingAlarm> alarms)
    {
        foreach (var due in Due(now, offsets).Where(d => d.Overdue >= MatQuietRunners))
        {
            var controllerNow = ControllerNow(now, offsets, due.Location).At.ToUnixTimeMilliseconds();
            var lastAtMs = Math.Max(_locations.TryGetValue(due.Location, out var watch) ? watch.LastAtMs : 0, stored.GetValueOrDefault(due.Location)?.LastAtMs ?? 0);
            if (lastAtMs > 0 && controllerNow - lastAtMs < MatQuietAfter.TotalMilliseconds)
            {
                continue;
            }

            var silence = lastAtMs > 0 ? $"No read at {due.Location} for {Duration(TimeSpan.FromMilliseconds(controllerNow - lastAtMs))}" : $"No read at {due.Location} yet";
            alarms.Add(new TimingAlarm(AlarmKinds.MatQuiet, due.Location,
                $"{silence}, while {due.Overdue} runners who passed the point before are overdue there (the first was expected {Duration(TimeSpan.FromMilliseconds(controllerNow - due.EarliestExpectedMs))} ago)",
                now));
        }
    }

    /// <summary>Who is due where, worked out again at most every <see cref="DueRefresh"/> (and when the box's clock jumps or, after a second, new results arrived).</summary>
    private IReadOnlyList<DueAt> Due(DateTimeOffset now, Dictionary<string, ClockOffset> offsets)
    {
        var snapshot = results.Current;
        var cached = Volatile.Read(ref _due);
        var elapsed = cached is null ? TimeSpan.MaxValue : time.GetElapsedTime(cached.Timestamp);
        if (cached is not null && elapsed < DueRefresh && Math.Abs((now - cached.BoxNow).Ticks) < DueRefresh.Ticks
            && (cached.Version == snapshot.Version || elapsed < TimeSpan.FromSeconds(1)))
        {
            return cached.Due;
        }

        var due = DueRunners.Find(snapshot, location => ControllerNow(now, offsets, location).At.ToUnixTimeMilliseconds(), MatQuietGrace);
        Volatile.Write(ref _due, new DueCache(time.GetTimestamp(), now, snapshot.Version, due));
        return due;
    }

    /// <summary>Keeps each alarm's start across snapshots (a connection's drop carries its own).</summary>
    private List<TimingAlarm> Stamp(DateTimeOffset now, List<TimingAlarm> alarms)
    {
        lock (_lock)
        {
            var current = new HashSet<(string, string?)>();
            var stamped = new List<TimingAlarm>(alarms.Count);
            foreach (var alarm in alarms)
            {
                var key = (alarm.Kind, alarm.Location);
                current.Add(key);
                if (alarm.Kind == AlarmKinds.MatQuiet)
                {
                    if (!_since.TryGetValue(key, out var since))
                    {
                        _since[key] = since = now;
                    }

                    stamped.Add(alarm with { Since = since });
                }
                else
                {
                    stamped.Add(alarm);
                }
            }

            foreach (var gone in _since.Keys.Where(k => !current.Contains(k)).ToList())
            {
                _since.Remove(gone);
            }

            return [.. stamped.OrderBy(a => a.Since)];
        }
    }

    private static MinuteCount[] Empty(long nowMs)
    {
        var minute = nowMs / 60_000 - (nowMs % 60_000 < 0 ? 1 : 0);
        return [.. Enumerable.Range(0, WindowMinutes).Select(k => new MinuteCount(DateTimeOffset.FromUnixTimeMilliseconds((minute - WindowMinutes + 1 + k) * 60_000), 0, 0, 0))];
    }

    private static string Signed(double seconds) => seconds >= 0 ? $"+ {seconds:0.0} s" : $"- {-seconds:0.0} s";

    /// <summary>"45 s", "12 min", "3 h 5 min".</summary>
    internal static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalSeconds < 90 ? $"{span.TotalSeconds:0} s"
            : span.TotalMinutes < 90 ? $"{span.TotalMinutes:0} min"
            : span.TotalDays < 2 ? $"{(int)span.TotalHours} h {span.Minutes} min"
            : $"{span.TotalDays:0} days";
    }

    private sealed record Roster(Meet.Meet? Source, HashSet<string> Tags);

    private sealed record DueCache(long Timestamp, DateTimeOffset BoxNow, long Version, IReadOnlyList<DueAt> Due);
}

/// <summary>What the monitor keeps of one connection beside the listener's <see cref="TimingConnection"/>.</summary>
internal sealed class ConnectionWatch(TimingConnection info)
{
    // The latest read's fields, written by the connection's session, read by snapshots: no record per read.
    private readonly Lock _lastLock = new();
    private string? _lastLocation;
    private string? _lastTag;
    private long _lastReceivedMs;
    private long _lastAtMs;
    private Closing? _closing;

    public TimingConnection Info { get; } = info;

    /// <summary>The highest sequence number delivered per location; only the connection's own session touches it.</summary>
    public Dictionary<string, long> Highest { get; } = new(StringComparer.Ordinal);

    public LastRead? Last
    {
        get
        {
            lock (_lastLock)
            {
                return _lastTag is null ? null
                    : new LastRead(_lastLocation!, _lastTag, DateTimeOffset.FromUnixTimeMilliseconds(_lastReceivedMs), DateTimeOffset.FromUnixTimeMilliseconds(_lastAtMs));
            }
        }
    }

    public void SetLast(string location, string tag, long receivedMs, long atMs)
    {
        lock (_lastLock)
        {
            (_lastLocation, _lastTag, _lastReceivedMs, _lastAtMs) = (location, tag, receivedMs, atMs);
        }
    }

    /// <summary>When and why it closed; null while open. Set once, read by snapshots on other threads.</summary>
    public DateTimeOffset? ClosedAt => Volatile.Read(ref _closing)?.At;

    public string? CloseReason => Volatile.Read(ref _closing)?.Reason;

    public void Close(DateTimeOffset at, string reason) => Volatile.Write(ref _closing, new Closing(at, reason));

    public MonitoredConnection View(DateTimeOffset now)
    {
        var closing = Volatile.Read(ref _closing);
        var closedAt = closing?.At;
        var last = Last;
        var seen = closedAt ?? last?.ReceivedAt;
        return new MonitoredConnection(Info.Id, Info.RemoteAddress, Info.ConnectionId, Info.Greeting, Info.Locations, closedAt is null,
            Info.ConnectedAt, closedAt, seen is { } s ? Math.Max(0, Math.Round((now - s).TotalSeconds, 1)) : null, closing?.Reason, Info.Reads, last);
    }

    private sealed record Closing(DateTimeOffset At, string Reason);
}
