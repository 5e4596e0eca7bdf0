namespace Edge.Appliance.Ingest;

/// <summary>
/// What the timer's console shows in its timing and clock views, as of one moment: plain records that serialize
/// with System.Text.Json's web defaults (camelCase; times as ISO 8601; no enums, kinds are strings).
/// </summary>
/// <param name="BoxNow">The box's clock when the snapshot was taken.</param>
/// <param name="Connections">Open connections first (oldest first), then closed ones, most recently closed first.</param>
/// <param name="Locations">Every location seen since the box started or stored in the open meet, by name.</param>
/// <param name="UnknownPerMinute">Reads of tags no participant carries, all locations together, per minute of the window.</param>
/// <param name="Clock">The box's clock against the controllers'.</param>
/// <param name="Alarms">What needs the timer's attention now, oldest first.</param>
public sealed record MonitorSnapshot(
    DateTimeOffset BoxNow,
    IReadOnlyList<MonitoredConnection> Connections,
    IReadOnlyList<MonitoredLocation> Locations,
    IReadOnlyList<MinuteCount> UnknownPerMinute,
    ClockStatus Clock,
    IReadOnlyList<TimingAlarm> Alarms);

/// <summary>One ChronoTrack connection, open now or closed since the box started (the most recent ones are kept).</summary>
/// <param name="Id">The listener's connection number (as in <c>/api/status</c>).</param>
/// <param name="RemoteAddress">Address and port of the middleware's laptop.</param>
/// <param name="ConnectionId">The CTP01 connection id (or the box's stand-in when the client has none).</param>
/// <param name="Greeting">The client's greeting line (<c>SimpleClient~0.5.0~CTP01</c>).</param>
/// <param name="Locations">The locations the client listed, started or sent reads for.</param>
/// <param name="Open">True while the connection is open.</param>
/// <param name="ConnectedAt">When it opened (box clock).</param>
/// <param name="ClosedAt">When it closed (box clock); null while open.</param>
/// <param name="LastSeenSecondsAgo">Seconds since it closed, or since its last read while open (null: open, no read yet).</param>
/// <param name="CloseReason">Why it closed, in the words of the listener's log.</param>
/// <param name="Reads">Reads it delivered (resends included).</param>
/// <param name="LastRead">Its latest read, if any.</param>
public sealed record MonitoredConnection(
    long Id,
    string RemoteAddress,
    string? ConnectionId,
    string? Greeting,
    IReadOnlyList<string> Locations,
    bool Open,
    DateTimeOffset ConnectedAt,
    DateTimeOffset? ClosedAt,
    double? LastSeenSecondsAgo,
    string? CloseReason,
    long Reads,
    LastRead? LastRead);

/// <summary>A read as the console lists it.</summary>
/// <param name="Location">Where it was read.</param>
/// <param name="Tag">The tag (on ChronoTrack systems, the bib).</param>
/// <param name="ReceivedAt">When the box received it (box clock).</param>
/// <param name="At">The read's own time (the controller's clock).</param>
public sealed record LastRead(string Location, string Tag, DateTimeOffset ReceivedAt, DateTimeOffset At);

/// <summary>One timing location.</summary>
/// <param name="Name">The location's name as the controllers send it.</param>
/// <param name="Connected">True when an open connection serves it.</param>
/// <param name="StoredReads">Reads stored for it in the open meet.</param>
/// <param name="LastSequence">The highest sequence number stored for it in the open meet.</param>
/// <param name="LastRead">Its latest read since the box started (resends not counted).</param>
/// <param name="Minutes">Reads per minute of the box's clock, oldest first, the current minute last.</param>
/// <param name="Offset">Its controller's clock against the box's; null until a read arrived.</param>
public sealed record MonitoredLocation(
    string Name,
    bool Connected,
    long StoredReads,
    long LastSequence,
    LastRead? LastRead,
    IReadOnlyList<MinuteCount> Minutes,
    ClockOffset? Offset);

/// <summary>Reads received in one minute of the box's clock.</summary>
/// <param name="Minute">The minute's start (box clock).</param>
/// <param name="Reads">New reads (resends not counted).</param>
/// <param name="Unknown">Of those, reads of tags no participant carries.</param>
/// <param name="Resent">Lines the source had sent before (a resend after a reconnect).</param>
public sealed record MinuteCount(DateTimeOffset Minute, int Reads, int Unknown, int Resent);

/// <summary>A controller's clock minus the box's, measured at one location.</summary>
/// <param name="Seconds">The median of read time minus receive time over the recent reads that arrived live.</param>
/// <param name="Samples">How many reads the median is taken over (at most 50).</param>
/// <param name="LateReads">Reads left out since the box started because they arrived from a backlog (well after others).</param>
/// <param name="DriftSeconds">How far the offset moved over the window (per-minute medians, highest minus lowest).</param>
/// <param name="Drifting">True when <paramref name="DriftSeconds"/> is over the threshold (2 s).</param>
public sealed record ClockOffset(double Seconds, int Samples, long LateReads, double DriftSeconds, bool Drifting);

/// <summary>The box's clock against the controllers'.</summary>
/// <param name="BoxNow">The box's clock.</param>
/// <param name="Synchronized">What the system says of its time source: true synchronized, false not, null unknown.</param>
/// <param name="ConsensusOffsetSeconds">The median of the locations' offsets; null before any read.</param>
/// <param name="Suspect">True when the box's clock looks wrong; <paramref name="Reasons"/> says why.</param>
/// <param name="Reasons">Plain words, one per finding.</param>
/// <param name="ControllerNow">The controllers' time now, as the box estimates it.</param>
public sealed record ClockStatus(
    DateTimeOffset BoxNow,
    bool? Synchronized,
    double? ConsensusOffsetSeconds,
    bool Suspect,
    IReadOnlyList<string> Reasons,
    ControllerTime ControllerNow);

/// <summary>The controllers' time now: the box's clock plus a measured offset.</summary>
/// <param name="At">The estimate.</param>
/// <param name="OffsetSeconds">The offset added to the box's clock.</param>
/// <param name="Location">The location whose offset was used; null for the median of all (or none).</param>
/// <param name="Samples">Reads the offset was measured from (0: none, the box's clock as is).</param>
/// <param name="Source">Plain words: "box clock + offset of location finish measured from 50 reads".</param>
public sealed record ControllerTime(DateTimeOffset At, double OffsetSeconds, string? Location, int Samples, string Source);

/// <summary>Something the timer should look at.</summary>
/// <param name="Kind">One of <see cref="AlarmKinds"/>.</param>
/// <param name="Location">The location it concerns, if one.</param>
/// <param name="Message">Plain words for the console.</param>
/// <param name="Since">When it began (box clock).</param>
public sealed record TimingAlarm(string Kind, string? Location, string Message, DateTimeOffset Since);

/// <summary>The kinds of <see cref="TimingAlarm"/>.</summary>
public static class AlarmKinds
{
    /// <summary>A connection closed and no open connection serves its location.</summary>
    public const string ConnectionDropped = "connectionDropped";
    /// <summary>Reads of unknown tags in the last minute well above the recent rate.</summary>
    public const string UnknownTagSpike = "unknownTagSpike";
    /// <summary>A mat has been quiet while runners are overdue there.</summary>
    public const string MatQuiet = "matQuiet";
}
