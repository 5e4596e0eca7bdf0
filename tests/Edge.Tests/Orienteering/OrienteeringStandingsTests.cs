using Edge.Appliance.Orienteering;
using static Edge.Tests.Orienteering.IofXml;

namespace Edge.Tests.Orienteering;

/// <summary>Multi-day sums and season best-N standings against values worked by hand.</summary>
public class OrienteeringStandingsTests
{
    private static readonly TeamClass Teams = new("WT", "Teams", ["M21"], TeamScheme.WiolTeam);

    private static readonly OrienteeringSettings Settings = new(
        new Dictionary<string, ClassScoring>(StringComparer.OrdinalIgnoreCase)
        {
            ["M21"] = new(ClassScheme.WorldCup),
            ["JV"] = new(ClassScheme.Awt),
        },
        [Teams, new TeamClass("JVT", "JV Teams", ["JV"], TeamScheme.AwtTeam, Best: 2)],
        new SeriesSettings("WIOL 2026", 3));

    private static IReadOnlyList<(string Name, double? Total, int? Position)> Rows(IEnumerable<Standing> standings) =>
        [.. standings.Select(s => (s.Person?.Name ?? s.Organisation?.Name ?? "", s.Total, s.Position))];

    /// <summary>
    /// M21 (worldcup): day 1 Ann 100, Bob 95, Cid 92, Dan mispunches (0); day 2 Bob 100, Ann (now spelled Anne,
    /// same person id) 95, Cid (no id; his name spaced differently) 92, Eve 90. JV (awt): day 1 P 3000, Q 3300, R 3600 (AWT 3300); day 2 P 3300, Q 3000
    /// (AWT 3150); R does not run. T (time): S 600.9 then 700; U 650 then a mispunch; V 700 then 590.
    /// </summary>
    private static Standings TwoDays() => OrienteeringStandings.MultiDay([
        OrienteeringScoring.Score(ListOf(
            Class("M21", Runner("Ann Ash", "X", 1000, id: "1"), Runner("Bob Birch", "X", 1100, id: "2"),
                Runner("Cid  Cedar", "Y", 1200), Runner("Dan Elm", "Y", 900, IofStatus.MissingPunch, id: "4")),
            Class("JV", Runner("P P", "A", 3000), Runner("Q Q", "A", 3300), Runner("R R", "B", 3600)),
            Class("T", Runner("S S", null, 600.9), Runner("U U", null, 650), Runner("V V", null, 700))), Settings),
        OrienteeringScoring.Score(ListOf(
            Class("M21", Runner("Bob Birch", "X", 900, id: "2"), Runner("Anne Ash", "X", 950, id: "1"),
                Runner("Cid Cedar", "Y", 1000), Runner("Eve Fir", "Y", 1100, id: "5")),
            Class("JV", Runner("P P", "A", 3300), Runner("Q Q", "A", 3000)),
            Class("T", Runner("S S", null, 700), Runner("U U", null, 640, IofStatus.MissingPunch), Runner("V V", null, 590))), Settings),
    ]);

    [Fact]
    public void Multi_day_points_are_summed_and_a_competitor_is_their_person_id_else_name_and_organisation()
    {
        var m21 = TwoDays().Classes.Single(c => c.Key == "M21");
        Assert.Equal(ClassScheme.WorldCup, m21.Scheme);
        Assert.Equal([("Anne Ash", 195, 1), ("Bob Birch", 195, 1), ("Cid Cedar", 184, 3), ("Eve Fir", 90, 4), ("Dan Elm", 0, null)], Rows(m21.Standings));
        Assert.Equal([[100.0, 95], [95.0, 100], [92.0, 92], [null, 90], [0.0, null]], m21.Standings.Select(s => s.Rounds));
        Assert.Equal(["id:1", "id:2"], m21.Standings.Take(2).Select(s => s.Identity).Order());
    }

    [Fact]
    public void Multi_day_awt_scores_are_summed_and_a_missed_day_is_not_ranked()
    {
        // P: 60 × 3000 / 3300 + 60 × 3300 / 3150 = 54.5455 + 62.8571 = 117.4026; Q: 60 + 60 × 3000 / 3150 = 117.1429.
        var jv = TwoDays().Classes.Single(c => c.Key == "JV");
        Assert.Equal(["Q Q", "P P", "R R"], jv.Standings.Select(s => s.Person!.Name));
        Assert.Equal([1, 2, null], jv.Standings.Select(s => s.Position));
        Assert.Equal(117.142857, jv.Standings[0].Total!.Value, 6);
        Assert.Equal(117.402597, jv.Standings[1].Total!.Value, 6);
        Assert.Null(jv.Standings[2].Total);
        Assert.Equal([0], jv.Standings[2].Counted);
    }

    [Fact]
    public void Multi_day_times_are_summed_and_a_day_not_ok_is_not_ranked()
    {
        var t = TwoDays().Classes.Single(c => c.Key == "T");
        Assert.Equal([("V V", 1290, 1), ("S S", 1300, 2), ("U U", null, null)], Rows(t.Standings));
    }

    [Fact]
    public void Multi_day_team_scores_are_summed()
    {
        // WT: X 100 + 95 both days = 390; Y day 1 Cid 92 (Dan's 0 does not count), day 2 92 + 90 = 182: 274.
        // JVT (awt-team, 2 count): A day 1 54.5455 + 60, day 2 62.8571 + 57.1429 = 120: 234.5455; B has one runner, never ranked.
        var standings = TwoDays();
        var wt = standings.Teams.Single(t => t.Team.Id == "WT");
        Assert.Equal([("X", 390, 1), ("Y", 274, 2)], Rows(wt.Standings));
        Assert.Equal([[195.0, 195], [92.0, 182]], wt.Standings.Select(s => s.Rounds));
        var jvt = standings.Teams.Single(t => t.Team.Id == "JVT");
        Assert.Equal(["A", "B"], jvt.Standings.Select(s => s.Organisation!.Name));
        Assert.Equal(234.545455, jvt.Standings[0].Total!.Value, 6);
        Assert.Equal((1, (int?)null, (double?)null), (jvt.Standings[0].Position!.Value, jvt.Standings[1].Position, jvt.Standings[1].Total));
    }

    /// <summary>
    /// Five WIOL events, M21 by worldcup: Ann 100, 92, 100, —, 95; Bea 95, 100, 95, 95, 100; Cat —, 95, —, 100, —.
    /// Best 3: Ann 100 + 100 + 95 = 295, Bea 100 + 100 + 95 = 295, Cat 195. Each event's database gives Ann another id.
    /// Teams (Ann and Cat for North, Bea for South): North 100, 187, 100, 100, 95 → 387; South 95, 100, 95, 95, 100 → 295.
    /// </summary>
    private static Standings Season()
    {
        IofPersonResult Ann(int e, double time) => Runner("Ann Ash", "North", time, id: $"{e}-17");
        IofPersonResult Bea(double time) => Runner("Bea Birch", "South", time);
        IofPersonResult Cat(double time) => Runner("Cat Cedar", "North", time);
        IofResultList[] events =
        [
            ListOf(Class("M21", Ann(1, 1000), Bea(1100))),
            ListOf(Class("M21", Bea(1000), Cat(1100), Ann(2, 1200))),
            ListOf(Class("M21", Ann(3, 1000), Bea(1100))),
            ListOf(Class("M21", Cat(1000), Bea(1100))),
            ListOf(Class("M21", Bea(1000), Ann(5, 1100))),
        ];
        return OrienteeringStandings.Season([.. events.Select(e => OrienteeringScoring.Score(e, Settings))], Settings.Series!.Best);
    }

    [Fact]
    public void A_season_counts_each_competitors_best_events()
    {
        var m21 = Season().Classes.Single();
        Assert.Equal([("Ann Ash", 295, 1), ("Bea Birch", 295, 1), ("Cat Cedar", 195, 3)], Rows(m21.Standings));
        Assert.Equal([[100.0, 92, 100, null, 95], [95.0, 100, 95, 95, 100], [null, 95.0, null, 100, null]], m21.Standings.Select(s => s.Rounds));
        Assert.Equal([[0, 2, 4], [0, 1, 4], [1, 3]], m21.Standings.Select(s => s.Counted));
    }

    [Fact]
    public void A_season_counts_each_teams_best_events()
    {
        var wt = Season().Teams.Single(t => t.Team.Id == "WT");
        Assert.Equal([("North", 387, 1), ("South", 295, 2)], Rows(wt.Standings));
        Assert.Equal([[0, 1, 2], [0, 1, 4]], wt.Standings.Select(s => s.Counted));
    }
}
