namespace Edge.Simulator;

/// <summary>A generated race laid out for fast sending: per location, each read's timeline position and clock time.</summary>
internal sealed class RaceFeed
{
    private const long TicksPerHundredth = TimeSpan.TicksPerMillisecond * 10;

    private readonly Dictionary<string, int> _indexByName;

    public RaceFeed(GeneratedRace race)
    {
        var options = race.Options;
        var raceDay = options.GunTime.UtcDateTime.Date;
        RaceDayTicks = raceDay.Ticks;
        RaceDayUnixSeconds = new DateTimeOffset(raceDay, TimeSpan.Zero).ToUnixTimeSeconds();
        TotalReads = race.TotalReads;

        Locations = new LocationFeed[options.Locations.Count];
        _indexByName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var l = 0; l < Locations.Length; l++)
        {
            var name = options.Locations[l];
            var reads = race.ReadsAt(name);
            Locations[l] = new LocationFeed(
                name,
                race.ReaderIdAt(name),
                [.. reads],
                new int[reads.Count],
                reads.Select(r => CentisOf(r.Time)).ToArray());
            _indexByName[name] = l;
        }

        var positions = new int[Locations.Length];
        for (var i = 0; i < race.Timeline.Count; i++)
        {
            var l = _indexByName[race.Timeline[i].Location];
            Locations[l].TimelineIndex[positions[l]++] = i;
        }

        LateIndex = options.LateLocation is { } late ? _indexByName[late] : -1;
        LateOnlineCursor = LateIndex < 0 ? 0 : FindLateOnlineCursor(race, options.Locations[LateIndex], options.LateLocationAfterReads);
        LateAnnounceCentis = CentisOf(LateOnlineCursor > 0 ? race.Timeline[LateOnlineCursor - 1].Time : options.GunTime);
    }

    public LocationFeed[] Locations { get; }
    public long RaceDayTicks { get; }
    public long RaceDayUnixSeconds { get; }
    public int TotalReads { get; }

    /// <summary>Index of the late location, or -1.</summary>
    public int LateIndex { get; }

    /// <summary>Released-reads cursor from which the late location comes online.</summary>
    public int LateOnlineCursor { get; }

    /// <summary>Clock time of the newlocation line: that of the read whose release brought the late location online.</summary>
    public long LateAnnounceCentis { get; }

    public bool TryGetIndex(string name, out int index) => _indexByName.TryGetValue(name, out index);

    /// <summary>Hundredths of a second since 00:00 UTC of the race day.</summary>
    public long CentisOf(DateTimeOffset time) => (time.UtcTicks - RaceDayTicks) / TicksPerHundredth;

    private static int FindLateOnlineCursor(GeneratedRace race, string late, int afterReads)
    {
        var others = 0;
        for (var i = 0; i < race.Timeline.Count; i++)
        {
            if (others >= afterReads)
            {
                return i;
            }

            if (!string.Equals(race.Timeline[i].Location, late, StringComparison.OrdinalIgnoreCase))
            {
                others++;
            }
        }

        // A race too small to reach the threshold announces once everything is out.
        return race.Timeline.Count;
    }
}

// Element i of each array describes the read with sequence i + 1: TimelineIndex is its position in the race timeline
// (released once the clock's cursor passes it), Centis its clock time in hundredths since the race day's 00:00 UTC.
internal sealed record LocationFeed(string Name, string ReaderId, SimulatedRead[] Reads, int[] TimelineIndex, long[] Centis);
