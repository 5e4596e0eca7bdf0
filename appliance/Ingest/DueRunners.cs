using Edge.Appliance.Meet;
using Edge.Appliance.Results;

namespace Edge.Appliance.Ingest;

/// <summary>Runners overdue at one location: they passed the timing point before it and should have reached it by now.</summary>
/// <param name="Location">The timing point they are due at.</param>
/// <param name="Overdue">How many are overdue by more than the grace.</param>
/// <param name="EarliestExpectedMs">When the first of them was expected (controller clock).</param>
public sealed record DueAt(string Location, int Overdue, long EarliestExpectedMs);

/// <summary>
/// Who is due where, from the results snapshot. A runner who is still out (started or on course) is due at the
/// timing point after the last one they passed. Their expected arrival is the time at that point plus the distance
/// to the next at their pace so far; where that pace is not known (from the start, or a point without km) it is the
/// median time others took between those two points. With neither, the runner is not counted.
/// </summary>
/// <remarks>One pass over each race's rows: O(participants × timing points).</remarks>
public static class DueRunners
{
    /// <summary>Locations where runners are overdue by more than <paramref name="grace"/> at <paramref name="controllerNowMs"/>.</summary>
    public static IReadOnlyList<DueAt> Find(ResultsSnapshot results, Func<string, long> controllerNowMs, TimeSpan grace)
    {
        var due = new Dictionary<string, (int Count, long Earliest)>(StringComparer.Ordinal);
        var graceMs = (long)grace.TotalMilliseconds;
        foreach (var race in results.Races.Values)
        {
            var points = Course(race.Race);
            if (points.Length < 2)
            {
                continue;
            }

            var rows = race.All.ToList();
            var times = rows.Select(r => Times(r, points)).ToList();
            var legs = new double?[points.Length - 1];
            var legsKnown = new bool[points.Length - 1];
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                if (row.Status is not (ParticipantStatus.Started or ParticipantStatus.OnCourse))
                {
                    continue;
                }

                var last = Array.FindLastIndex(times[i], t => t is not null);
                if (last < 0 || last >= points.Length - 1)
                {
                    continue;
                }

                var next = points[last + 1];
                var lastAt = times[i][last]!.Value;
                long? expected = null;
                if (points[last].Km is { } kmLast && kmLast > 0 && next.Km is { } kmNext && row.ChipStartMs is { } start && lastAt > start)
                {
                    // Their own pace so far, carried over the distance still to go to the next point.
                    expected = lastAt + (long)((lastAt - start) * (kmNext - kmLast) / kmLast);
                }
                else
                {
                    if (!legsKnown[last])
                    {
                        legs[last] = MedianLeg(times, last);
                        legsKnown[last] = true;
                    }

                    if (legs[last] is { } leg && leg > 0)
                    {
                        expected = lastAt + (long)leg;
                    }
                }

                if (expected is { } at && at + graceMs < controllerNowMs(next.Location))
                {
                    var seen = due.GetValueOrDefault(next.Location, (0, long.MaxValue));
                    due[next.Location] = (seen.Item1 + 1, Math.Min(seen.Item2, at));
                }
            }
        }

        return [.. due.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => new DueAt(d.Key, d.Value.Count, d.Value.Earliest))];
    }

    /// <summary>The race's timing points in course order: the start, the splits by km, the finish.</summary>
    private static TimingPoint[] Course(Race race) =>
    [
        .. race.Start is { } start ? [start] : Array.Empty<TimingPoint>(),
        .. race.Splits.OrderBy(p => p.Km ?? double.MaxValue),
        race.Finish,
    ];

    /// <summary>When the runner passed each point of the course (controller clock), null where not.</summary>
    private static long?[] Times(ResultRow row, TimingPoint[] points)
    {
        var times = new long?[points.Length];
        for (var p = 0; p < points.Length; p++)
        {
            times[p] = points[p].Role switch
            {
                TimingRole.Start => row.ChipStartMs,
                TimingRole.Finish => row.FinishMs,
                _ => row.Splits.FirstOrDefault(s => s.Location == points[p].Location)?.AtMs,
            };
        }

        return times;
    }

    /// <summary>The median time from point <paramref name="from"/> to the next among those who passed both; null if nobody did.</summary>
    private static double? MedianLeg(List<long?[]> times, int from)
    {
        var legs = times.Where(t => t[from] is not null && t[from + 1] is not null).Select(t => t[from + 1]!.Value - t[from]!.Value).Order().ToList();
        if (legs.Count == 0)
        {
            return null;
        }

        var middle = legs.Count / 2;
        return legs.Count % 2 == 1 ? legs[middle] : (legs[middle - 1] + legs[middle]) / 2.0;
    }
}
