using Edge.Appliance.Orienteering;
using static Edge.Tests.Orienteering.IofXml;

namespace Edge.Tests.Orienteering;

/// <summary>Team classes of PROTOCOLS.md §3 (wiol-team, awt-team) against values worked by hand.</summary>
public class TeamScoringTests
{
    private static OrienteeringSettings Settings(TeamClass team, params (string Class, ClassScoring Scoring)[] classes) =>
        new(classes.ToDictionary(c => c.Class, c => c.Scoring, StringComparer.OrdinalIgnoreCase), [team], null);

    private static ScoredTeamClass ScoreTeams(IofResultList list, OrienteeringSettings settings) =>
        Assert.Single(OrienteeringScoring.Score(list, settings).Teams);

    private static IReadOnlyList<(string? Team, int? Position, double Score)> Rows(ScoredTeamClass teams) =>
        [.. teams.Teams.Select(t => (t.Organisation.Name, t.Position, t.Score))];

    private static readonly TeamClass MiddleSchool = new("W2T", "Middle School Teams", ["W2M", "W2F"], TeamScheme.WiolTeam);

    /// <summary>
    /// W2M places A B C D A E C D B E (100 95 92 90 89 88 87 86 85 84 points); W2F places B D C A, an unattached runner,
    /// and F's mispunch (0). Best three: B 100+95+85 = 280; A 100+90+89 = 279; D 95+90+86 = 271; C 92+92+87 = 271;
    /// E has two members, 88+84 = 172; F has no positive score.
    /// </summary>
    private static IofResultList MiddleSchoolMeet() => ListOf(
        Class("W2M", InOrder("A", "B", "C", "D", "A", "E", "C", "D", "B", "E")),
        Class("W2F", [.. InOrder("B", "D", "C", "A", null), Runner("Fi F", "F", 900, IofStatus.MissingPunch)]));

    [Fact]
    public void Wiol_team_sums_the_best_three_positive_scores_across_the_grouped_classes()
    {
        var settings = Settings(MiddleSchool, ("W2M", new ClassScoring(ClassScheme.WorldCup)), ("W2F", new ClassScoring(ClassScheme.WorldCup)));
        var teams = ScoreTeams(MiddleSchoolMeet(), settings);
        Assert.Same(MiddleSchool, teams.Team);
        Assert.Equal([("B", 1, 280), ("A", 2, 279), ("D", 3, 271), ("C", 4, 271), ("E", 5, 172), ("F", null, 0)], Rows(teams));

        var b = teams.Teams[0];
        Assert.Equal([("W2F", "Runner1 B", 100.0), ("W2M", "Runner2 B", 95.0), ("W2M", "Runner9 B", 85.0)],
            b.Scorers.Select(s => (s.ClassKey, s.Result.Person.Name, s.Score)));
        Assert.Empty(teams.Teams[5].Scorers);
    }

    [Fact]
    public void Wiol_team_breaks_a_tie_best_against_best_then_second()
    {
        // D and C above both total 271: D's best (95) beats C's (92). Here P and Q total 271 with equal bests (95):
        // P's second (92) beats Q's (88). The classes are not configured: their worldcup points are what count.
        var list = ListOf(
            Class("W2M", InOrder(null, "P", "P", null, null, "Q", null, null, null, "P")),
            Class("W2F", InOrder(null, "Q", null, null, null, "Q")));
        var teams = ScoreTeams(list, Settings(MiddleSchool));
        Assert.Equal([("P", 1, 271), ("Q", 2, 271)], Rows(teams));
        Assert.Equal([95.0, 92, 84], teams.Teams[0].Scorers.Select(s => s.Score));
        Assert.Equal([95.0, 88, 88], teams.Teams[1].Scorers.Select(s => s.Score));
    }

    [Fact]
    public void Wiol_teams_with_the_same_scorers_share_the_position()
    {
        // G and H each place 1st (tied) and 3rd (tied): 100 + 92 = 192 both, scorer for scorer the same. I is 5th: 89.
        var list = ListOf(Class("W2M",
            Runner("G1 G", "G", 1000), Runner("H1 H", "H", 1000), Runner("G2 G", "G", 1100), Runner("H2 H", "H", 1100), Runner("I1 I", "I", 1200)));
        Assert.Equal([("G", 1, 192), ("H", 1, 192), ("I", 3, 89)], Rows(ScoreTeams(list, Settings(MiddleSchool))));
    }

    [Fact]
    public void Wiol_team_counts_only_positive_scores()
    {
        // 95 finishers: Y is 93rd (1 point); Z is 94th (0) and 95th (-1), so Z has no scorer and is not ranked.
        var organisations = Enumerable.Repeat<string?>(null, 92).Append("Y").Append("Z").Append("Z").ToArray();
        var teams = ScoreTeams(ListOf(Class("W2F", InOrder(organisations))), Settings(MiddleSchool));
        Assert.Equal([("Y", 1, 1), ("Z", null, 0)], Rows(teams));
    }

    [Fact]
    public void Wiol_team_counts_a_points_class_by_its_own_points()
    {
        // 1000pts: A 600 s = 1000; B 1200 s = 500 (worldcup would give 100 and 95).
        var list = ListOf(Class("W2M", Runner("A1 A", "A", 600), Runner("B1 B", "B", 1200)));
        var settings = Settings(MiddleSchool, ("W2M", new ClassScoring(ClassScheme.Points1000)));
        Assert.Equal([("A", 1, 1000), ("B", 2, 500)], Rows(ScoreTeams(list, settings)));
    }

    private static readonly TeamClass JuniorVarsity = new("JVT", "JV Teams", ["JVF", "JVM"], TeamScheme.AwtTeam);

    [Fact]
    public void Awt_team_sums_the_three_lowest_awt_scores_and_ranks_only_full_teams()
    {
        // JVF: AWT (3000 + 3300 + 3600) / 3 = 3300; JVM: AWT (2700 + 3000 + 3300) / 3 = 3000; a non-OK JVF runner
        // scores 10 + 60 × 10800 / min(3300, 3000) = 226.
        // A: 54 (a4), 54.5454 (a1), 65.4545 (a2) = 174 (226 for a3 not counted). B: 60 + 60 + 70.9090 = 190.9090.
        // C has two scores (81.8181, 66) and D one (72): not ranked.
        var list = ListOf(
            Class("JVF", Runner("a1 A", "A", 3000), Runner("b1 B", "B", 3300), Runner("a2 A", "A", 3600), Runner("b2 B", "B", 3900),
                Runner("a3 A", "A", null, IofStatus.MissingPunch), Runner("c1 C", "C", 4500)),
            Class("JVM", Runner("a4 A", "A", 2700), Runner("b3 B", "B", 3000), Runner("c2 C", "C", 3300), Runner("d1 D", "D", 3600)));
        var settings = Settings(JuniorVarsity, ("JVF", new ClassScoring(ClassScheme.Awt) { PairedWith = "JVM" }), ("JVM", new ClassScoring(ClassScheme.Awt)));
        var teams = ScoreTeams(list, settings);
        Assert.Equal(["A", "B", "C", "D"], teams.Teams.Select(t => t.Organisation.Name));
        Assert.Equal([1, 2, null, null], teams.Teams.Select(t => t.Position));
        Assert.Equal(174, teams.Teams[0].Score, 6);
        Assert.Equal(190.909091, teams.Teams[1].Score, 6);
        Assert.Equal(147.818182, teams.Teams[2].Score, 6);
        Assert.Equal([("JVM", "a4 A"), ("JVF", "a1 A"), ("JVF", "a2 A")], teams.Teams[0].Scorers.Select(s => (s.ClassKey, s.Result.Person.Name)));
    }

    [Fact]
    public void Awt_teams_with_equal_sums_share_the_position()
    {
        // AWT: the top three are E, F and G at 3000 s: 3000. E and F each 60 × (3000 + 3300 + 3600) / 3000 = 198;
        // G 60 × (3000 + 3300 + 3700) / 3000 = 200.
        var list = ListOf(Class("JVF",
            Runner("e1 E", "E", 3000), Runner("f1 F", "F", 3000), Runner("e2 E", "E", 3300), Runner("f2 F", "F", 3300),
            Runner("e3 E", "E", 3600), Runner("f3 F", "F", 3600), Runner("g1 G", "G", 3000), Runner("g2 G", "G", 3300), Runner("g3 G", "G", 3700)));
        var teams = ScoreTeams(list, Settings(JuniorVarsity, ("JVF", new ClassScoring(ClassScheme.Awt))));
        Assert.Equal([("E", 1), ("F", 1), ("G", 3)], teams.Teams.Select(t => (t.Organisation.Name, t.Position)));
        Assert.Equal([198.0, 198, 200], teams.Teams.Select(t => Math.Round(t.Score, 9)));
    }

    [Fact]
    public void Competitors_without_an_organisation_are_on_no_team_and_organisations_are_known_by_id_first()
    {
        var sameId = new IofOrganisation("17", "Lakeside School", null, null);
        var renamed = new IofOrganisation("17", "Lakeside", "LKS", null);
        var list = ListOf(Class("W2M",
            Runner("A A", null, 1000) with { Organisation = sameId }, Runner("B B", null, 1010), Runner("C C", null, 1020) with { Organisation = renamed }));
        var team = Assert.Single(ScoreTeams(list, Settings(MiddleSchool)).Teams);
        Assert.Equal(("17", 192.0), (team.Key, team.Score));
    }
}
