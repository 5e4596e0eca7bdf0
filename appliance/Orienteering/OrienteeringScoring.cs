namespace Edge.Appliance.Orienteering;

/// <summary>
/// The orienteering scoring schemes of PROTOCOLS.md §3, as pure functions of a parsed result list and the meet's
/// settings. A result is valid when its status is OK and it has a time above zero; only valid results are ranked.
/// </summary>
public static class OrienteeringScoring
{
    /// <summary>Scores every class of a list by its configured scheme, and the meet's team classes.</summary>
    public static ScoredEvent Score(IofResultList list, OrienteeringSettings settings)
    {
        var awts = list.Classes.Select(c => Awt(c.Persons)).ToArray();
        var classes = new List<ScoredClass>();
        for (var i = 0; i < list.Classes.Count; i++)
        {
            var cls = list.Classes[i];
            var scoring = settings.ScoringOf(cls.Class);
            if (scoring.Scheme == ClassScheme.Hide)
            {
                continue;
            }

            var key = settings.KeyOf(cls.Class);
            classes.Add(ScoreClass(cls, key, scoring, PartnerAwt(list, awts, settings.PartnerOf(key))));
        }

        return new ScoredEvent(list.Event, classes, TeamScoring.Score(list, settings), settings.UnconfiguredClasses(list));
    }

    /// <summary>
    /// One class by a scheme. <paramref name="partnerAwt"/> is the paired class's AWT (awt scoring only): a non-OK
    /// competitor's score uses the smaller of the two.
    /// </summary>
    public static ScoredClass ScoreClass(IofClassResult cls, string key, ClassScoring scoring, double? partnerAwt = null)
    {
        var persons = cls.Persons;
        var awt = Awt(persons);
        if (scoring.Scheme == ClassScheme.Alpha)
        {
            var alphabetical = persons
                .OrderBy(p => p.Person.Family ?? "", StringComparer.InvariantCultureIgnoreCase)
                .ThenBy(p => p.Person.Given ?? "", StringComparer.InvariantCultureIgnoreCase)
                .Select(p => new ScoredCompetitor(p, null, null));
            return new ScoredClass(key, cls.Class, cls.Course, scoring.Scheme, awt, [.. alphabetical]);
        }

        var positions = Positions(persons);
        var scores = Scores(persons, positions, scoring, partnerAwt);
        // Ranked by position (file order among equals), then the unranked in file order.
        var order = Enumerable.Range(0, persons.Count).OrderBy(i => positions[i] ?? int.MaxValue);
        return new ScoredClass(key, cls.Class, cls.Course, scoring.Scheme, awt,
            [.. order.Select(i => new ScoredCompetitor(persons[i], positions[i], scores[i]))]);
    }

    /// <summary>
    /// Positions (§3): valid results by time, equal times sharing a position and the next skipped (1, 2, 2, 4);
    /// null for every other result.
    /// </summary>
    public static int?[] Positions(IReadOnlyList<IofPersonResult> persons)
    {
        var positions = new int?[persons.Count];
        var valid = Enumerable.Range(0, persons.Count).Where(i => IsValid(persons[i])).OrderBy(i => persons[i].Time!.Value).ToList();
        for (var n = 0; n < valid.Count; n++)
        {
            var same = n > 0 && persons[valid[n]].Time == persons[valid[n - 1]].Time;
            positions[valid[n]] = same ? positions[valid[n - 1]] : n + 1;
        }

        return positions;
    }

    /// <summary>
    /// The average winning time (awt, §3): the mean of the three fastest valid times; with fewer than three valid
    /// results the mean of those there are (as the OUSA rule says); null with none.
    /// </summary>
    public static double? Awt(IReadOnlyList<IofPersonResult> persons)
    {
        var top = persons.Where(IsValid).Select(p => p.Time!.Value).Order().Take(3).ToList();
        return top.Count == 0 ? null : top.Average();
    }

    /// <summary>World Cup points for a position (§3): 100, 95, 92, then 100 − 6 − position (past 94th, zero and below).</summary>
    public static int WorldCupPoints(int position) => position switch
    {
        1 => 100,
        2 => 95,
        3 => 92,
        _ => 100 - 6 - position,
    };

    /// <summary>OK with a time above zero: the results that are ranked and score.</summary>
    public static bool IsValid(IofPersonResult result) => result.Status == IofStatus.OK && result.Time > 0;

    /// <summary>Each competitor's score by the scheme, for the positions <see cref="Positions"/> gave.</summary>
    internal static double?[] Scores(IReadOnlyList<IofPersonResult> persons, int?[] positions, ClassScoring scoring, double? partnerAwt)
    {
        var scores = new double?[persons.Count];
        var winner = persons.Where(IsValid).Select(p => p.Time!.Value).DefaultIfEmpty().Min();
        var awt = Awt(persons);
        // AWT' (§3 awt): the smaller of the class's AWT and its paired class's, whichever exist.
        var capAwt = (awt, partnerAwt) switch
        {
            ({ } a, { } b) => Math.Min(a, b),
            (var a, var b) => a ?? b,
        };
        for (var i = 0; i < persons.Count; i++)
        {
            var time = persons[i].Time;
            var valid = positions[i] is not null;
            scores[i] = scoring.Scheme switch
            {
                ClassScheme.Time => valid ? Math.Floor(time!.Value) : null,
                ClassScheme.Points1000 => valid ? Math.Round(winner / time!.Value * 1000, MidpointRounding.AwayFromZero) : 0,
                ClassScheme.WorldCup => valid ? WorldCupPoints(positions[i]!.Value) : 0,
                ClassScheme.Awt when valid => 60 * time!.Value / awt!.Value,
                // With no OK result in either class there is no AWT to score by.
                ClassScheme.Awt => capAwt is { } cap ? 10 + 60 * scoring.TimeLimit.TotalSeconds / cap : null,
                _ => null,
            };
        }

        return scores;
    }

    /// <summary>The AWT of the first class of the list named <paramref name="partner"/>, if any.</summary>
    internal static double? PartnerAwt(IofResultList list, IReadOnlyList<double?> awts, string? partner)
    {
        if (partner is null)
        {
            return null;
        }

        for (var i = 0; i < list.Classes.Count; i++)
        {
            if (OrienteeringSettings.Names(partner, list.Classes[i].Class))
            {
                return awts[i];
            }
        }

        return null;
    }
}
