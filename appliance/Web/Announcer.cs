using Edge.Appliance.Meet;
using Edge.Appliance.Results;

namespace Edge.Appliance.Web;

/// <summary>A runner about to finish: seen at the race's last split, with the finish time their pace there predicts.</summary>
public sealed record Approaching(ResultRow Row, long ExpectedFinishMs, TimeSpan ExpectedTime);

/// <summary>What the announcer at the finish needs: who is coming next, and who just crossed.</summary>
public static class Announcer
{
    /// <summary>The race's last split before the finish, in course order; null when the race has none.</summary>
    public static TimingPoint? LastSplit(Race race) => race.Splits.LastOrDefault();

    /// <summary>
    /// Runners on course whose last read is at the race's last split, soonest expected first. The expected finish is
    /// the split time plus the rest of the course at the runner's average pace to that split.
    /// </summary>
    public static List<Approaching> Approaching(RaceResults results, int max)
    {
        var race = results.Race;
        if (LastSplit(race) is not { } split)
        {
            return [];
        }

        var coming = new List<Approaching>();
        foreach (var row in results.Others)
        {
            if (row.Status == ParticipantStatus.OnCourse && row.LastLocation == split.Location && Projected(race, row) is { } approaching)
            {
                coming.Add(approaching);
            }
        }

        coming.Sort((a, b) => a.ExpectedFinishMs.CompareTo(b.ExpectedFinishMs));
        return coming.Count > max ? coming[..max] : coming;
    }

    /// <summary>
    /// When a runner still out is due at the finish: their latest split plus the rest of the course at their average
    /// pace to it. Null without a split at a known distance (seen at the start only), or for a split at an absurd time.
    /// </summary>
    public static Approaching? Projected(Race race, ResultRow row)
    {
        if (row.Status is not (ParticipantStatus.OnCourse or ParticipantStatus.Started)
            || row.Splits.LastOrDefault(s => s.Km is > 0) is not { Km: { } splitKm } at)
        {
            return null;
        }

        var finishKm = race.Finish.Km ?? race.DistanceKm;
        var remainingKm = Math.Max(0, finishKm - splitKm);
        if (at.Elapsed <= TimeSpan.Zero || ResultFormat.Instant(at.AtMs) is null)
        {
            return null;
        }

        // Checked in ticks before it becomes a TimeSpan (whose arithmetic throws past its range): a split read at
        // an absurd instant predicts an absurd finish, and such a runner is left off the board rather than failing it.
        var restTicks = at.Elapsed.Ticks / splitKm * remainingKm;
        if (at.Elapsed > ResultFormat.LongestTime || restTicks > ResultFormat.LongestTime.Ticks)
        {
            return null;
        }

        var rest = TimeSpan.FromTicks((long)restTicks);
        return new Approaching(row, at.AtMs + (long)rest.TotalMilliseconds, at.Elapsed + rest);
    }

    /// <summary>The newest finishers of the races shown, newest first.</summary>
    public static List<ResultRow> Finished(ResultsSnapshot snapshot, IReadOnlyList<RaceResults> races, int max)
    {
        var ids = races.Select(r => r.Race.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var recent = snapshot.RecentFinishers.Where(r => ids.Contains(r.RaceId)).Take(max).ToList();
        if (recent.Count >= max || recent.Count == races.Sum(r => r.Finishers.Count))
        {
            return recent;
        }

        // Other races filled the box-wide list: take this race's newest from its own finishers.
        return [.. races.SelectMany(r => r.Finishers).OrderByDescending(r => r.FinishMs).Take(max)];
    }
}
