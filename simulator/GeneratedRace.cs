using System.Globalization;
using System.Text;

namespace Edge.Simulator;

/// <summary>A deterministic race (same options, same reads) with every read in the order it happens.</summary>
public sealed class GeneratedRace
{
    private const long TicksPer10Ms = TimeSpan.TicksPerMillisecond * 10;
    private const double FirstStartSeconds = 2;
    private const double StartSpreadSeconds = 118;
    private const double FastestPaceSecondsPerKm = 180;
    private const double SlowestPaceSecondsPerKm = 540;
    private const double ExtraReadMinSeconds = 0.2;
    private const double ExtraReadMaxSeconds = 1.5;

    private static readonly char[] ForbiddenLocationChars = ['~', ',', ';', '|', '\t', '\0', '\r', '\n'];

    private readonly Dictionary<string, IReadOnlyList<SimulatedRead>> _byLocation;
    private readonly Dictionary<string, string> _readerIds;

    private GeneratedRace(RaceOptions options, SimulatedRead[] timeline, Dictionary<string, IReadOnlyList<SimulatedRead>> byLocation, Dictionary<string, string> readerIds)
    {
        Options = options;
        Timeline = Array.AsReadOnly(timeline);
        _byLocation = byLocation;
        _readerIds = readerIds;
    }

    public RaceOptions Options { get; }

    /// <summary>Every read of the race by time; sequences count per location from 1 in time order.</summary>
    public IReadOnlyList<SimulatedRead> Timeline { get; }

    /// <summary>Timeline.Count, gun included.</summary>
    public int TotalReads => Timeline.Count;

    /// <summary>Reads of one location ordered by sequence (element i has sequence i + 1).</summary>
    public IReadOnlyList<SimulatedRead> ReadsAt(string location) =>
        _byLocation.TryGetValue(location, out var reads)
            ? reads
            : throw new ArgumentException($"'{location}' is not a location of this race.", nameof(location));

    /// <summary>The reader id every read of the location carries (6 uppercase hex chars, derived from the name).</summary>
    public string ReaderIdAt(string location) =>
        _readerIds.TryGetValue(location, out var id)
            ? id
            : throw new ArgumentException($"'{location}' is not a location of this race.", nameof(location));

    public static GeneratedRace Generate(RaceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);

        var locations = options.Locations;
        var readerIds = locations.ToDictionary(l => l, ReaderIdFor, StringComparer.OrdinalIgnoreCase);
        var random = new Random(options.Seed);
        var gunTicks = options.GunTime.UtcTicks;
        var segmentKm = locations.Count > 1 ? options.CourseKilometers / (locations.Count - 1) : 0;

        var pending = new List<PendingRead>(checked(options.Participants * locations.Count * (1 + options.ExtraReadsPerLocation) + 1));
        if (options.IncludeGun)
        {
            pending.Add(new PendingRead(gunTicks, 0, SimulatedRead.GunTag, 0, 0));
        }

        var extraOffsets = new double[options.ExtraReadsPerLocation];
        for (var p = 0; p < options.Participants; p++)
        {
            var tag = (options.FirstBib + p).ToString(CultureInfo.InvariantCulture);
            // Squaring bunches the field towards the front, as a real start wave crosses the mat.
            var spread = random.NextDouble();
            var elapsed = FirstStartSeconds + StartSpreadSeconds * spread * spread;
            var pace = FastestPaceSecondsPerKm + (SlowestPaceSecondsPerKm - FastestPaceSecondsPerKm) * random.NextDouble();

            for (var l = 0; l < locations.Count; l++)
            {
                if (l > 0)
                {
                    // A few percent of variation per segment so splits are not perfectly even.
                    elapsed += segmentKm * pace * (0.96 + 0.08 * random.NextDouble());
                }

                var first = RoundTo10Ms(gunTicks + (long)(elapsed * TimeSpan.TicksPerSecond));
                var gator = random.Next(1, 5);
                pending.Add(new PendingRead(first, l, tag, 1, gator));

                for (var e = 0; e < extraOffsets.Length; e++)
                {
                    extraOffsets[e] = ExtraReadMinSeconds + (ExtraReadMaxSeconds - ExtraReadMinSeconds) * random.NextDouble();
                }

                Array.Sort(extraOffsets);
                for (var e = 0; e < extraOffsets.Length; e++)
                {
                    var ticks = RoundTo10Ms(first + (long)(extraOffsets[e] * TimeSpan.TicksPerSecond));
                    pending.Add(new PendingRead(ticks, l, tag, e + 2, gator));
                }
            }
        }

        // The index breaks ties so the sort is stable: same options, same timeline.
        var order = new int[pending.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            var byTime = pending[a].Ticks.CompareTo(pending[b].Ticks);
            return byTime != 0 ? byTime : a.CompareTo(b);
        });

        var counts = new int[locations.Count];
        foreach (var read in pending)
        {
            counts[read.LocationIndex]++;
        }

        var perLocation = new SimulatedRead[locations.Count][];
        for (var l = 0; l < locations.Count; l++)
        {
            perLocation[l] = new SimulatedRead[counts[l]];
        }

        var nextSequence = new int[locations.Count];
        var timeline = new SimulatedRead[pending.Count];
        for (var i = 0; i < order.Length; i++)
        {
            var p = pending[order[i]];
            var location = locations[p.LocationIndex];
            var sequence = ++nextSequence[p.LocationIndex];
            var read = new SimulatedRead(location, sequence, p.Tag, new DateTimeOffset(p.Ticks, TimeSpan.Zero), p.Lap, readerIds[location], p.Gator);
            timeline[i] = read;
            perLocation[p.LocationIndex][sequence - 1] = read;
        }

        var byLocation = new Dictionary<string, IReadOnlyList<SimulatedRead>>(StringComparer.OrdinalIgnoreCase);
        for (var l = 0; l < locations.Count; l++)
        {
            byLocation[locations[l]] = Array.AsReadOnly(perLocation[l]);
        }

        return new GeneratedRace(options, timeline, byLocation, readerIds);
    }

    private static void Validate(RaceOptions options)
    {
        if (options.Participants < 0)
        {
            throw new ArgumentException("Participants must not be negative.", nameof(options));
        }

        if (options.Locations is null || options.Locations.Count == 0)
        {
            throw new ArgumentException("At least one location is needed.", nameof(options));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var location in options.Locations)
        {
            if (string.IsNullOrWhiteSpace(location) || location.IndexOfAny(ForbiddenLocationChars) >= 0)
            {
                throw new ArgumentException($"'{location}' is not a valid CTP01 location name.", nameof(options));
            }

            if (!seen.Add(location))
            {
                throw new ArgumentException($"Location '{location}' is listed twice.", nameof(options));
            }
        }

        if (options.ExtraReadsPerLocation < 0)
        {
            throw new ArgumentException("ExtraReadsPerLocation must not be negative.", nameof(options));
        }

        if (options.LateLocation is not null && !seen.Contains(options.LateLocation))
        {
            throw new ArgumentException($"LateLocation '{options.LateLocation}' is not one of the locations.", nameof(options));
        }

        if (options.LateLocationAfterReads < 0)
        {
            throw new ArgumentException("LateLocationAfterReads must not be negative.", nameof(options));
        }

        if (!(options.CourseKilometers > 0))
        {
            throw new ArgumentException("CourseKilometers must be positive.", nameof(options));
        }
    }

    private static long RoundTo10Ms(long ticks) => (ticks + TicksPer10Ms / 2) / TicksPer10Ms * TicksPer10Ms;

    // Derived from the name rather than the seed so a location keeps its reader across races (like a real mat).
    private static string ReaderIdFor(string location)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(location))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (hash & 0xFFFFFF).ToString("X6", CultureInfo.InvariantCulture);
    }

    private readonly record struct PendingRead(long Ticks, int LocationIndex, string Tag, int Lap, int Gator);
}
