using System.Runtime.CompilerServices;
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
        if (LastSplit(results.Race) is not { } split)
        {
            return [];
        }

        var coming = new List<Approaching>(max);
        foreach (var (row, due) in StillOut(results))
        {
            if (coming.Count == max || due is null)
            {
                break;
            }

            if (row.Status == ParticipantStatus.OnCourse && row.LastLocation == split.Location)
            {
                coming.Add(due);
            }
        }

        return coming;
    }

    private static readonly ConditionalWeakTable<RaceResults, IReadOnlyList<(ResultRow Row, Approaching? Due)>> StillOutLists = [];

    /// <summary>
    /// Everyone started and not finished in one race: those with a projected finish first, soonest due first, then
    /// the rest by when they were last seen, then by bib. Worked out once per results (a snapshot's race is never
    /// changed), however many screens and pages show it: the on-course list and the announcer share it.
    /// </summary>
    public static IReadOnlyList<(ResultRow Row, Approaching? Due)> StillOut(RaceResults results) =>
        StillOutLists.GetValue(results, static r =>
        {
            var still = new List<(ResultRow Row, Approaching? Due, long At)>();
            foreach (var row in r.Others)
            {
                if (row.Status is ParticipantStatus.Started or ParticipantStatus.OnCourse)
                {
                    var due = Projected(r.Race, row);
                    still.Add((row, due, due?.ExpectedFinishMs ?? row.LastSeenMs ?? long.MaxValue));
                }
            }

            still.Sort(static (a, b) =>
                a.Due is null != b.Due is null ? (a.Due is null ? 1 : -1)
                : a.At != b.At ? a.At.CompareTo(b.At)
                : ResultsEngine.BibOrder.Compare(a.Row.Bib, b.Row.Bib));
            return still.ConvertAll(s => (s.Row, s.Due));
        });

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
