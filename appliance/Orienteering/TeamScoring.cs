namespace Edge.Appliance.Orienteering;

/// <summary>
/// Team classes (§3 <c>wiol-team</c>, <c>awt-team</c>): a team is an organisation's competitors in the team class's
/// individual classes; a competitor without an organisation is on no team. An organisation is known by its id, else
/// its name, else its short name.
/// </summary>
public static class TeamScoring
{
    /// <summary>Every team class of the settings, scored from the list's individual classes.</summary>
    public static IReadOnlyList<ScoredTeamClass> Score(IofResultList list, OrienteeringSettings settings)
    {
        var awts = list.Classes.Select(c => OrienteeringScoring.Awt(c.Persons)).ToArray();
        return [.. settings.Teams.Select(team => ScoreTeamClass(list, settings, awts, team))];
    }

    /// <summary>The key that makes competitors one team: the organisation's id, else name, else short name; null without one.</summary>
    public static string? OrganisationKey(IofOrganisation? organisation) =>
        organisation is null ? null : organisation.Id ?? organisation.Name ?? organisation.ShortName;

    private static ScoredTeamClass ScoreTeamClass(IofResultList list, OrienteeringSettings settings, double?[] awts, TeamClass team)
    {
        var members = new Dictionary<string, (IofOrganisation Organisation, List<TeamScorer> Scores)>(StringComparer.OrdinalIgnoreCase);
        for (var c = 0; c < list.Classes.Count; c++)
        {
            var cls = list.Classes[c];
            if (!team.Classes.Any(name => OrienteeringSettings.Names(name, cls.Class)))
            {
                continue;
            }

            var key = settings.KeyOf(cls.Class);
            var scoring = IndividualScoring(team.Scheme, settings.ScoringOf(cls.Class));
            var positions = OrienteeringScoring.Positions(cls.Persons);
            var scores = OrienteeringScoring.Scores(cls.Persons, positions, scoring,
                OrienteeringScoring.PartnerAwt(list, awts, settings.PartnerOf(key)));
            for (var i = 0; i < cls.Persons.Count; i++)
            {
                var person = cls.Persons[i];
                if (OrganisationKey(person.Organisation) is not { } org)
                {
                    continue;
                }

                // A team whose members have no score is still listed, unranked.
                if (!members.TryGetValue(org, out var entry))
                {
                    members[org] = entry = (person.Organisation!, []);
                }

                // wiol-team counts only positive scores (past 94th, worldcup points are zero and below).
                if (scores[i] is { } score && (team.Scheme == TeamScheme.AwtTeam || score > 0))
                {
                    entry.Scores.Add(new TeamScorer(key, person, score));
                }
            }
        }

        var teams = members.Select(m => Team(m.Key, m.Value.Organisation, m.Value.Scores, team)).ToList();
        return new ScoredTeamClass(team, Rank(teams, team.Scheme));
    }

    /// <summary>
    /// The individual scheme a team counts: awt-team counts awt scores (with the class's pairing and time limit);
    /// wiol-team counts the class's points when it is scored by points (worldcup, 1000pts), else worldcup points.
    /// </summary>
    private static ClassScoring IndividualScoring(TeamScheme scheme, ClassScoring own) => scheme switch
    {
        TeamScheme.AwtTeam => own with { Scheme = ClassScheme.Awt },
        _ when SchemeNames.HigherIsBetter(own.Scheme) => own,
        _ => new ClassScoring(ClassScheme.WorldCup),
    };

    private static Entry Team(string key, IofOrganisation organisation, List<TeamScorer> scores, TeamClass team)
    {
        var best = SchemeNames.HigherIsBetter(team.Scheme)
            ? scores.OrderByDescending(s => s.Score)
            : scores.OrderBy(s => s.Score);
        var scorers = best.Take(team.Best).ToList();
        // awt-team: a team with fewer scores than counted is not ranked; wiol-team: any positive score ranks.
        var ranked = team.Scheme == TeamScheme.AwtTeam ? scorers.Count == team.Best : scorers.Count > 0;
        return new Entry(key, organisation, scorers, ranked);
    }

    private static List<ScoredTeam> Rank(List<Entry> teams, TeamScheme scheme)
    {
        var ranked = teams.Where(t => t.Ranked).ToList();
        Comparison<List<TeamScorer>> compare = scheme == TeamScheme.WiolTeam ? CompareWiol : CompareAwt;
        ranked.Sort((a, b) => compare(a.Scorers, b.Scorers) is var c and not 0 ? c : string.Compare(Name(a.Organisation), Name(b.Organisation), StringComparison.OrdinalIgnoreCase));
        var result = new List<ScoredTeam>(teams.Count);
        for (var n = 0; n < ranked.Count; n++)
        {
            var t = ranked[n];
            var position = n > 0 && compare(ranked[n - 1].Scorers, t.Scorers) == 0 ? result[n - 1].Position : n + 1;
            result.Add(new ScoredTeam(t.Key, t.Organisation, position, Total(t.Scorers), t.Scorers));
        }

        var unranked = teams.Where(t => !t.Ranked).OrderBy(t => Name(t.Organisation), StringComparer.OrdinalIgnoreCase);
        result.AddRange(unranked.Select(t => new ScoredTeam(t.Key, t.Organisation, null, Total(t.Scorers), t.Scorers)));
        return result;
    }

    /// <summary>
    /// wiol-team (§3): higher total wins; on equal totals the scorers are compared best against best, then second,
    /// then third, and a team that runs out of scorers first loses; otherwise the teams share the position.
    /// </summary>
    internal static int CompareWiol(List<TeamScorer> a, List<TeamScorer> b)
    {
        if (Total(b).CompareTo(Total(a)) is var byTotal and not 0)
        {
            return byTotal;
        }

        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            // §3's "runs out of scorers first". With equal totals of positive scores it is never reached (scorers that
            // match another team's and then stop make a smaller total); it is kept as the rule states it.
            if (i >= a.Count || i >= b.Count)
            {
                return i >= a.Count ? 1 : -1;
            }

            if (b[i].Score.CompareTo(a[i].Score) is var byScorer and not 0)
            {
                return byScorer;
            }
        }

        return 0;
    }

    /// <summary>awt-team (§3): lower total wins; equal totals (to a millionth, awt scores being fractions) share.</summary>
    private static int CompareAwt(List<TeamScorer> a, List<TeamScorer> b) =>
        Math.Round(Total(a), 6).CompareTo(Math.Round(Total(b), 6));

    private static double Total(List<TeamScorer> scorers) => scorers.Sum(s => s.Score);

    private static string Name(IofOrganisation organisation) => organisation.Name ?? organisation.ShortName ?? organisation.Id ?? "";

    private sealed record Entry(string Key, IofOrganisation Organisation, List<TeamScorer> Scorers, bool Ranked);
}
