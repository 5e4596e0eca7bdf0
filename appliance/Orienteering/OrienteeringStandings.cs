using System.Globalization;
using System.Text;

namespace Edge.Appliance.Orienteering;

/// <summary>
/// A competitor's or team's standing over several rounds (the days of a multi-day event, or the events of a season):
/// the score of each round (null where absent or without a score), the rounds <see cref="Counted"/>, their
/// <see cref="Total"/> and the <see cref="Position"/>. <see cref="Person"/> is null for a team.
/// </summary>
public sealed record Standing(
    string Identity,
    IofPerson? Person,
    IofOrganisation? Organisation,
    IReadOnlyList<double?> Rounds,
    IReadOnlyList<int> Counted,
    double? Total,
    int? Position);

public sealed record ClassStandings(string Key, ClassScheme Scheme, IReadOnlyList<Standing> Standings);

public sealed record TeamStandings(TeamClass Team, IReadOnlyList<Standing> Standings);

public sealed record Standings(IReadOnlyList<ClassStandings> Classes, IReadOnlyList<TeamStandings> Teams);

/// <summary>
/// Sums over rounds (§3: "a competitor's days are summed"; WIOL season: "the best 4 event scores"). Classes are matched
/// across rounds by <see cref="ScoredClass.Key"/>, team classes by id; a class takes its scheme from its last round.
/// <list type="bullet">
/// <item>Points (1000pts, worldcup, wiol-team): the best scores count (a round without a score counts nothing);
/// ranked when ranked in at least one round.</item>
/// <item>Times and awt scores (time, awt, awt-team): the lowest scores count, and a row is ranked only when it has as
/// many scores as count (every day of a multi-day event); otherwise its Total is null.</item>
/// <item>alpha: listed by name, no totals.</item>
/// </list>
/// Equal totals (to a millionth) share a position; the scorer-by-scorer tie-break of wiol-team applies within a round only.
/// Vacant entries (no person id and no name) have no standing.
/// </summary>
public static class OrienteeringStandings
{
    /// <summary>
    /// A multi-day event, each day scored on its own: every day counts. A competitor is the same across days by their
    /// person id (one event's database gives the same id every day), else by name and organisation; a team by its
    /// organisation's key (<see cref="TeamScoring.OrganisationKey"/>).
    /// </summary>
    public static Standings MultiDay(IReadOnlyList<ScoredEvent> days) =>
        Compute(days, days.Count, p => MultiDayIdentity(p.Person, p.Organisation), TeamScoring.OrganisationKey);

    /// <summary>
    /// Who a competitor is across the days of one event (<see cref="Standing.Identity"/> of <see cref="MultiDay"/>,
    /// compared ignoring case): the person id, else name and organisation; null for a vacant entry.
    /// </summary>
    public static string? MultiDayIdentity(IofPerson person, IofOrganisation? organisation) =>
        person.Id is { } id && NameKey((person, organisation), TeamScoring.OrganisationKey) is not null ? "id:" + id : NameKey((person, organisation), TeamScoring.OrganisationKey);

    /// <summary>
    /// A season: each competitor's and team's <paramref name="best"/> event scores count. Events come from different
    /// databases whose person ids do not agree, so a competitor is known by name and organisation name, a team by its
    /// organisation's name.
    /// </summary>
    public static Standings Season(IReadOnlyList<ScoredEvent> events, int best)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(best, 1);
        return Compute(events, best, p => NameKey(p, OrganisationName), OrganisationName);
    }

    private static Standings Compute(
        IReadOnlyList<ScoredEvent> rounds,
        int best,
        Func<(IofPerson Person, IofOrganisation? Organisation), string?> competitor,
        Func<IofOrganisation?, string?> team)
    {
        var classes = new List<ClassStandings>();
        foreach (var key in rounds.SelectMany(r => r.Classes.Select(c => c.Key)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var entries = new List<Entry>();
            var scheme = ClassScheme.Time;
            for (var round = 0; round < rounds.Count; round++)
            {
                foreach (var cls in rounds[round].Classes.Where(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase)))
                {
                    scheme = cls.Scheme;
                    foreach (var c in cls.Competitors)
                    {
                        if (competitor((c.Result.Person, c.Result.Organisation)) is { } identity)
                        {
                            entries.Add(new Entry(round, identity, c.Result.Person, c.Result.Organisation, c.Score, c.Position is not null));
                        }
                    }
                }
            }

            classes.Add(new ClassStandings(key, scheme, Rows(entries, rounds.Count, best, scheme == ClassScheme.Alpha, SchemeNames.HigherIsBetter(scheme))));
        }

        var teams = new List<TeamStandings>();
        foreach (var id in rounds.SelectMany(r => r.Teams.Select(t => t.Team.Id)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var entries = new List<Entry>();
            TeamClass? last = null;
            for (var round = 0; round < rounds.Count; round++)
            {
                foreach (var tc in rounds[round].Teams.Where(t => string.Equals(t.Team.Id, id, StringComparison.OrdinalIgnoreCase)))
                {
                    last = tc.Team;
                    foreach (var t in tc.Teams)
                    {
                        if (team(t.Organisation) is { } identity)
                        {
                            entries.Add(new Entry(round, identity, null, t.Organisation, t.Position is null && !SchemeNames.HigherIsBetter(tc.Team.Scheme) ? null : t.Score, t.Position is not null));
                        }
                    }
                }
            }

            teams.Add(new TeamStandings(last!, Rows(entries, rounds.Count, best, alpha: false, SchemeNames.HigherIsBetter(last!.Scheme))));
        }

        return new Standings(classes, teams);
    }

    private static List<Standing> Rows(List<Entry> entries, int roundCount, int best, bool alpha, bool higherIsBetter)
    {
        var rows = new List<(Entry Latest, double?[] Rounds, bool Positioned)>();
        foreach (var group in entries.GroupBy(e => e.Identity, StringComparer.OrdinalIgnoreCase))
        {
            var scores = new double?[roundCount];
            foreach (var e in group)
            {
                // Listed twice in one round (a duplicate entry): the better score stands.
                scores[e.Round] = (scores[e.Round], e.Score) switch
                {
                    (null, var s) => s,
                    (var s, null) => s,
                    ({ } a, { } b) => higherIsBetter ? Math.Max(a, b) : Math.Min(a, b),
                };
            }

            rows.Add((group.Last(), scores, group.Any(e => e.Positioned)));
        }

        if (alpha)
        {
            return [.. rows
                .OrderBy(r => r.Latest.Person?.Family ?? "", StringComparer.InvariantCultureIgnoreCase)
                .ThenBy(r => r.Latest.Person?.Given ?? "", StringComparer.InvariantCultureIgnoreCase)
                .Select(r => new Standing(r.Latest.Identity, r.Latest.Person, r.Latest.Organisation, r.Rounds, [], null, null))];
        }

        var standings = rows.Select(r =>
        {
            var scored = Enumerable.Range(0, roundCount).Where(i => r.Rounds[i] is not null);
            var counted = (higherIsBetter ? scored.OrderByDescending(i => r.Rounds[i]) : scored.OrderBy(i => r.Rounds[i])).Take(best).Order().ToList();
            var ranked = higherIsBetter ? r.Positioned : counted.Count == Math.Min(best, roundCount);
            double? total = ranked || higherIsBetter ? counted.Sum(i => r.Rounds[i]!.Value) : null;
            return (Row: r, Counted: counted, Total: total, Ranked: ranked);
        }).ToList();

        var ordered = standings
            .OrderBy(s => s.Ranked ? 0 : 1)
            .ThenBy(s => s.Total is { } t ? Math.Round(higherIsBetter ? -t : t, 6) : double.MaxValue)
            .ThenBy(s => s.Row.Latest.Person?.Name ?? s.Row.Latest.Organisation?.Name ?? "", StringComparer.InvariantCultureIgnoreCase)
            .ToList();
        var result = new List<Standing>(ordered.Count);
        for (var n = 0; n < ordered.Count; n++)
        {
            var s = ordered[n];
            int? position = null;
            if (s.Ranked)
            {
                var tied = n > 0 && ordered[n - 1].Ranked && Math.Round(ordered[n - 1].Total!.Value, 6) == Math.Round(s.Total!.Value, 6);
                position = tied ? result[n - 1].Position : n + 1;
            }

            result.Add(new Standing(s.Row.Latest.Identity, s.Row.Latest.Person, s.Row.Latest.Organisation, s.Row.Rounds, s.Counted, s.Total, position));
        }

        return result;
    }

    /// <summary>Name and organisation, case and accents as written, spaces collapsed; null for a vacant entry.</summary>
    private static string? NameKey((IofPerson Person, IofOrganisation? Organisation) p, Func<IofOrganisation?, string?> organisation)
    {
        var name = Collapse(p.Person.Name);
        return name.Length == 0 ? null : $"name:{name.ToLower(CultureInfo.InvariantCulture)}|{Collapse(organisation(p.Organisation) ?? "").ToLower(CultureInfo.InvariantCulture)}";
    }

    private static string? OrganisationName(IofOrganisation? organisation) =>
        organisation is null ? null : organisation.Name ?? organisation.ShortName ?? organisation.Id;

    private static string Collapse(string text)
    {
        var collapsed = new StringBuilder(text.Length);
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            collapsed.Append(collapsed.Length == 0 ? "" : " ").Append(word);
        }

        return collapsed.ToString();
    }

    private sealed record Entry(int Round, string Identity, IofPerson? Person, IofOrganisation? Organisation, double? Score, bool Positioned);
}
