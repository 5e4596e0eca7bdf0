using System.Globalization;

namespace Edge.StoreBenchmarks;

/// <summary>One tag read as the appliance stores it in <c>log</c>: the same columns, a dense increasing id.</summary>
internal readonly record struct ReadRecord(
    long Id,
    long SourceId,
    string Location,
    long Sequence,
    string Tag,
    long AtMs,
    int Lap,
    string Reader,
    int Gator,
    long ReceivedMs,
    string Raw)
{
    private static readonly string[] Locations = ["start", "5k", "10k", "finish"];
    private static readonly long StartMs = new DateTimeOffset(2025, 6, 1, 9, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>
    /// The read with log id <paramref name="id"/> (1-based) of a race over four mats: both unique keys of the real
    /// schema, (source, location, seq) and (time, location, tag, reader, gator), differ from every other read's.
    /// </summary>
    public static ReadRecord Make(long id)
    {
        var n = id - 1;
        var location = Locations[n % Locations.Length];
        var sequence = (n / Locations.Length) + 1;
        var tag = (100_000 + (sequence % 40_000)).ToString(CultureInfo.InvariantCulture);
        var atMs = StartMs + (n * 3);
        var time = DateTimeOffset.FromUnixTimeMilliseconds(atMs).UtcDateTime;
        // A CT01_33 line as ChronoTrack sends it, about 60 characters.
        var raw = string.Create(CultureInfo.InvariantCulture, $"CT01_33~{sequence}~{location}~{tag}~{time:yyyy-MM-ddTHH:mm:ss.ff}~1~1~0");
        return new ReadRecord(id, 1, location, sequence, tag, atMs, 1, "1", 0, atMs + 40, raw);
    }

    /// <summary>Fills <paramref name="batch"/> with the reads whose ids follow <paramref name="lastId"/>.</summary>
    public static void Fill(ReadRecord[] batch, long lastId)
    {
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = Make(lastId + 1 + i);
        }
    }
}
