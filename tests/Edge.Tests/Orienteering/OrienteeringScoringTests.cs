using Edge.Appliance.Orienteering;
using static Edge.Tests.Orienteering.IofXml;

namespace Edge.Tests.Orienteering;

/// <summary>The individual schemes of PROTOCOLS.md §3 against values worked by hand.</summary>
public class OrienteeringScoringTests
{
    private static OrienteeringSettings Settings(params (string Class, ClassScoring Scoring)[] classes) =>
        new(classes.ToDictionary(c => c.Class, c => c.Scoring, StringComparer.OrdinalIgnoreCase), [], null);

    private static ScoredClass ScoreOne(ClassScheme scheme, params IofPersonResult[] persons) =>
        Assert.Single(OrienteeringScoring.Score(ListOf(Class("C", persons)), Settings(("C", new ClassScoring(scheme)))).Classes);

    private static IReadOnlyList<(string Name, int? Position, double? Score)> Rows(ScoredClass cls) =>
        [.. cls.Competitors.Select(c => (c.Result.Person.Name, c.Position, c.Score))];

    /// <summary>Ann and Bea tie; Dee's mispunch is faster than everyone but unranked; Eve is OK without a time.</summary>
    private static readonly IofPersonResult[] Field =
    [
        Runner("Dee Fast", "X", 500, IofStatus.MissingPunch),
        Runner("Cat Third", "X", 700),
        Runner("Ann Tied", "X", 650),
        Runner("Fay Out", "X", null, IofStatus.DidNotStart),
        Runner("Bea Tied", "X", 650),
        Runner("Ida First", "X", 600),
        Runner("Eve Notime", "X", null),
        Runner("Gus Fifth", "X", 900),
    ];

    [Fact]
    public void Positions_share_equal_times_and_skip_the_next_and_only_ok_results_are_ranked()
    {
        Assert.Equal([null, 4, 2, null, 2, 1, null, 5], OrienteeringScoring.Positions(Field));
    }

    [Fact]
    public void Time_scores_whole_seconds_and_lists_the_unranked_after_in_file_order()
    {
        var persons = Field.Select(p => p.Person.Given == "Gus" ? p with { Time = 900.9 } : p).ToArray();
        Assert.Equal(
            [("Ida First", 1, 600), ("Ann Tied", 2, 650), ("Bea Tied", 2, 650), ("Cat Third", 4, 700), ("Gus Fifth", 5, 900),
             ("Dee Fast", null, null), ("Fay Out", null, null), ("Eve Notime", null, null)],
            Rows(ScoreOne(ClassScheme.Time, persons)));
    }

    [Fact]
    public void Thousand_points_is_the_winners_time_over_the_competitors_rounded()
    {
        // 600/650 × 1000 = 923.08; 600/700 × 1000 = 857.14; 600/900 × 1000 = 666.67; non-OK 0.
        Assert.Equal(
            [("Ida First", 1, 1000), ("Ann Tied", 2, 923), ("Bea Tied", 2, 923), ("Cat Third", 4, 857), ("Gus Fifth", 5, 667),
             ("Dee Fast", null, 0), ("Fay Out", null, 0), ("Eve Notime", null, 0)],
            Rows(ScoreOne(ClassScheme.Points1000, Field)));
    }

    [Fact]
    public void Thousand_points_rounds_a_half_up()
    {
        // 100/1600 × 1000 = 62.5 exactly: 63 (away from zero, as LostTime's Math.round), not 62 (banker's).
        var cls = ScoreOne(ClassScheme.Points1000, Runner("Win Ner", "X", 100), Runner("Half Way", "X", 1600));
        Assert.Equal([1000.0, 63.0], cls.Competitors.Select(c => c.Score));
    }

    [Fact]
    public void World_cup_points_follow_positions_and_shared_positions_share_points()
    {
        Assert.Equal(
            [("Ida First", 1, 100), ("Ann Tied", 2, 95), ("Bea Tied", 2, 95), ("Cat Third", 4, 90), ("Gus Fifth", 5, 89),
             ("Dee Fast", null, 0), ("Fay Out", null, 0), ("Eve Notime", null, 0)],
            Rows(ScoreOne(ClassScheme.WorldCup, Field)));
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 95)]
    [InlineData(3, 92)]
    [InlineData(4, 90)]
    [InlineData(5, 89)]
    [InlineData(10, 84)]
    [InlineData(93, 1)]
    [InlineData(94, 0)]
    [InlineData(100, -6)]
    public void World_cup_points_past_third_are_100_minus_6_minus_the_position(int position, int points)
    {
        Assert.Equal(points, OrienteeringScoring.WorldCupPoints(position));
    }

    /// <summary>
    /// F: OK 3000, 3300, 3600, 4200 → AWT (3000 + 3300 + 3600) / 3 = 3300. M (paired): OK 3000, 3000 → AWT 3000 (two
    /// finishers: their mean). AWT' = min(3300, 3000) = 3000, so a non-OK score is 10 + 60 × 10800 / 3000 = 226.
    /// </summary>
    private static IofResultList AwtMeet() => ListOf(
        Class("N4F",
            Runner("Ada A", "S1", 3300), Runner("Bo B", "S2", 3000), Runner("Cy C", "S1", 4200), Runner("Di D", "S2", 3600),
            Runner("Ed E", "S1", 2000, IofStatus.MissingPunch), Runner("Flo F", "S2", null, IofStatus.DidNotStart)),
        Class("N5M", Runner("Gil G", "S1", 3000), Runner("Hal H", "S2", 3000), Runner("Ivo I", "S1", 5000, IofStatus.OverTime)),
        Class("N6F", Runner("Jo J", "S1", null, IofStatus.DidNotFinish)));

    [Fact]
    public void Awt_scores_sixty_times_time_over_the_mean_of_the_top_three()
    {
        var settings = Settings(("N4F", new ClassScoring(ClassScheme.Awt) { PairedWith = "N5M" }), ("N5M", new ClassScoring(ClassScheme.Awt)));
        var f = OrienteeringScoring.Score(AwtMeet(), settings).Classes[0];
        Assert.Equal(3300, f.Awt);
        Assert.Equal(["Bo B", "Ada A", "Di D", "Cy C", "Ed E", "Flo F"], f.Competitors.Select(c => c.Result.Person.Name));
        Assert.Equal([1, 2, 3, 4, null, null], f.Competitors.Select(c => c.Position));
        // 60 × 3000 / 3300, 60, 60 × 3600 / 3300, 60 × 4200 / 3300; then 226 for the mispunch and the DNS alike.
        AssertScores([54.5454545, 60, 65.4545455, 76.3636364, 226, 226], f);
    }

    [Fact]
    public void Awt_pairing_works_both_ways_and_a_class_with_fewer_than_three_finishers_averages_those_it_has()
    {
        // Only N4F names its partner; N5M's over-time runner is still capped by the smaller AWT of the two (3000, its own).
        var settings = Settings(("N4F", new ClassScoring(ClassScheme.Awt) { PairedWith = "N5M" }), ("N5M", new ClassScoring(ClassScheme.Awt)));
        var m = OrienteeringScoring.Score(AwtMeet(), settings).Classes[1];
        Assert.Equal(3000, m.Awt);
        AssertScores([60, 60, 226], m);
        Assert.Equal([1, 1, null], m.Competitors.Select(c => c.Position));
    }

    [Fact]
    public void Awt_uses_the_classs_own_awt_without_a_partner_and_its_time_limit()
    {
        // No pairing: F's non-OK scores use F's AWT 3300; a 2 h limit: 10 + 60 × 7200 / 3300 = 140.909090...
        var settings = Settings(("N4F", new ClassScoring(ClassScheme.Awt) { TimeLimit = TimeSpan.FromHours(2) }));
        var f = OrienteeringScoring.Score(AwtMeet(), settings).Classes[0];
        AssertScores([54.5454545, 60, 65.4545455, 76.3636364, 140.9090909, 140.9090909], f);
    }

    [Fact]
    public void Awt_in_a_class_with_no_finisher_scores_by_its_partner_or_not_at_all()
    {
        var paired = Settings(("N6F", new ClassScoring(ClassScheme.Awt) { PairedWith = "N5M" }));
        var withPartner = OrienteeringScoring.Score(AwtMeet(), paired).Classes.Single(c => c.Key == "N6F");
        Assert.Null(withPartner.Awt);
        AssertScores([226], withPartner);

        var alone = OrienteeringScoring.Score(AwtMeet(), Settings(("N6F", new ClassScoring(ClassScheme.Awt)))).Classes.Single(c => c.Key == "N6F");
        Assert.Equal([(double?)null], alone.Competitors.Select(c => c.Score));
    }

    [Fact]
    public void Awt_of_a_class_with_one_finisher_is_that_time()
    {
        Assert.Equal(2500, OrienteeringScoring.Awt([Runner("A A", null, 2500), Runner("B B", null, 100, IofStatus.Disqualified)]));
        Assert.Null(OrienteeringScoring.Awt([Runner("B B", null, 100, IofStatus.Disqualified)]));
    }

    [Fact]
    public void Alpha_lists_by_family_then_given_name_without_positions_or_scores()
    {
        var cls = ScoreOne(ClassScheme.Alpha,
            Runner("Zed smith", "X", 900), Runner("Amy Smith", "X", 1000), Runner("Bob adams", "X", null, IofStatus.DidNotStart), Runner("Cal Brown", "X", 800));
        Assert.Equal([("Bob adams", null, null), ("Cal Brown", null, null), ("Amy Smith", null, null), ("Zed smith", null, null)], Rows(cls));
    }

    [Fact]
    public void Hidden_classes_are_left_out_and_unconfigured_ones_are_scored_by_time_and_listed()
    {
        var list = ListOf(Class("W1F", Runner("A A", "X", 900)), Class("SECRET", Runner("B B", "X", 800)), Class("Blue", Runner("C C", "X", 700)), Class("Brown"));
        var settings = Settings(("w1f", new ClassScoring(ClassScheme.WorldCup)), ("SECRET", new ClassScoring(ClassScheme.Hide)));
        var scored = OrienteeringScoring.Score(list, settings);
        Assert.Equal([("w1f", ClassScheme.WorldCup), ("Blue", ClassScheme.Time), ("Brown", ClassScheme.Time)], scored.Classes.Select(c => (c.Key, c.Scheme)));
        Assert.Equal(["Blue", "Brown"], scored.UnconfiguredClasses);
        Assert.Equal(700, scored.Classes[1].Competitors[0].Score);
    }

    [Fact]
    public void A_class_is_configured_by_its_short_name_before_its_name()
    {
        var settings = Settings(("W3F", new ClassScoring(ClassScheme.WorldCup)), ("Varsity Girls", new ClassScoring(ClassScheme.Points1000)), ("Rookie", new ClassScoring(ClassScheme.Alpha)));
        Assert.Equal("W3F", settings.ConfiguredKey(new IofClass(null, "Varsity Girls", "W3F")));
        Assert.Equal("Varsity Girls", settings.ConfiguredKey(new IofClass(null, "Varsity Girls", "W9X")));
        Assert.Equal("Rookie", settings.ConfiguredKey(new IofClass(null, "ROOKIE", null)));
        Assert.Null(settings.ConfiguredKey(new IofClass(null, "Yellow", "Y")));
        Assert.Equal(ClassScheme.Time, settings.ScoringOf(new IofClass(null, "Yellow", "Y")).Scheme);
        Assert.Equal("Y", settings.KeyOf(new IofClass(null, "Yellow", "Y")));
    }

    [Fact]
    public void The_official_example_scores_by_time()
    {
        var list = IofResultListParser.Parse(File.ReadAllBytes(Support.Repo.Fixture(Path.Combine("iof", "ResultList1.xml"))));
        var scored = OrienteeringScoring.Score(list, OrienteeringSettings.None);
        Assert.Equal(["Men Elite", "Open"], scored.UnconfiguredClasses);
        Assert.Equal([("George Wood", 1, 2001), ("Edgar Martin", null, null)], Rows(scored.Classes[0]));
    }

    private static void AssertScores(double[] expected, ScoredClass cls)
    {
        Assert.Equal(expected.Length, cls.Competitors.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], cls.Competitors[i].Score!.Value, 5);
        }
    }
}
