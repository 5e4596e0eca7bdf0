using Edge.Appliance.Meet;
using Edge.Appliance.Orienteering;
using Edge.Tests.Support;

namespace Edge.Tests.Orienteering;

/// <summary>meet.json <c>orienteering</c>: read into <see cref="OrienteeringSettings"/>, every mistake named by line and field.</summary>
public class OrienteeringMeetJsonTests : IDisposable
{
    /// <summary>The example block of the section (line numbers matter to the tests).</summary>
    private const string Example = """
        {
          "event": { "name": "WIOL #3", "date": "2026-05-02", "timeZone": "America/Los_Angeles" },
          "orienteering": {
            "classes": { "W1F": { "scoring": "worldcup" }, "UOM": { "scoring": "1000pts" },
                         "N4F": { "scoring": "awt", "pairedWith": "N5M", "timeLimit": "03:00:00" } },
            "teams": [ { "id": "W2T", "name": "Middle School Teams", "classes": ["W2M", "W2F"], "scoring": "wiol-team", "best": 3 } ],
            "series": { "name": "WIOL 2026", "best": 4 }
          }
        }
        """;

    private readonly string _dir = TempDir.Create("meet-orienteering");

    private Meet Load(string json)
    {
        File.WriteAllText(Path.Combine(_dir, "meet.json"), json);
        return MeetLoader.Load(_dir);
    }

    private string Refused(string json)
    {
        File.WriteAllText(Path.Combine(_dir, "meet.json"), json);
        var message = Assert.Throws<MeetException>(() => MeetLoader.Load(_dir)).Message;
        Assert.StartsWith(Path.Combine(_dir, "meet.json") + ": ", message, StringComparison.Ordinal);
        return message[(Path.Combine(_dir, "meet.json").Length + 2)..];
    }

    [Fact]
    public void The_example_block_loads()
    {
        var o = Load(Example).Orienteering;
        Assert.Equal(["W1F", "UOM", "N4F"], o.Classes.Keys);
        Assert.Equal(new ClassScoring(ClassScheme.WorldCup), o.Classes["W1F"]);
        Assert.Equal(new ClassScoring(ClassScheme.Points1000), o.Classes["UOM"]);
        Assert.Equal(new ClassScoring(ClassScheme.Awt) { PairedWith = "N5M", TimeLimit = TimeSpan.FromHours(3) }, o.Classes["N4F"]);
        var team = Assert.Single(o.Teams);
        Assert.Equal(("W2T", "Middle School Teams", TeamScheme.WiolTeam, 3), (team.Id, team.Name, team.Scheme, team.Best));
        Assert.Equal(["W2M", "W2F"], team.Classes);
        Assert.Equal(new SeriesSettings("WIOL 2026", 4), o.Series);
        // N5M is named only by pairedWith: it may appear only in the result lists, and pairs back with N4F.
        Assert.Equal("N4F", o.PartnerOf("N5M"));
        Assert.Equal(ClassScheme.Time, o.ScoringOf(new IofClass(null, "Men 5", "N5M")).Scheme);
    }

    [Fact]
    public void A_meet_without_the_section_has_no_orienteering_settings_and_defaults_fill_in()
    {
        Assert.Same(OrienteeringSettings.None, Load("""{ "event": { "name": "Lakeside 10K" } }""").Orienteering);
        var o = Load("""
            { "event": { "name": "x" }, "orienteering": { "classes": { "N4F": { "scoring": "awt" } },
              "teams": [ { "id": "JV", "classes": ["N4F"], "scoring": "awt-team" } ], "series": { "name": "s" } } }
            """).Orienteering;
        Assert.Equal(TimeSpan.FromHours(3), o.Classes["n4f"].TimeLimit);
        Assert.Equal(new TeamClass("JV", "JV", o.Teams[0].Classes, TeamScheme.AwtTeam, 3), o.Teams[0]);
        Assert.Equal(4, o.Series!.Best);
    }

    [Theory]
    [InlineData("\"series\": {", "\"serie\": {", "line 7: unknown field 'orienteering.serie'; did you mean 'series'?")]
    [InlineData("{ \"scoring\": \"worldcup\" }", "{ \"scorng\": \"worldcup\" }", "line 4: unknown field 'orienteering.classes.W1F.scorng'; did you mean 'scoring'?")]
    [InlineData("\"pairedWith\"", "\"pairWith\"", "line 5: unknown field 'orienteering.classes.N4F.pairWith'; did you mean 'pairedWith'?")]
    [InlineData("\"best\": 3", "\"bset\": 3", "line 6: unknown field 'orienteering.teams[0].bset'; did you mean 'best'?")]
    [InlineData("\"best\": 4", "\"count\": 4", "line 7: unknown field 'orienteering.series.count' (known: name, best)")]
    [InlineData("\"worldcup\"", "\"worldcip\"", "line 4, field 'orienteering.classes.W1F.scoring': 'worldcip' is not a scoring scheme; did you mean 'worldcup'? (schemes: time, 1000pts, worldcup, awt, alpha, hide)")]
    [InlineData("\"1000pts\"", "\"1000pt\"", "line 4, field 'orienteering.classes.UOM.scoring': '1000pt' is not a scoring scheme; did you mean '1000pts'? (schemes: time, 1000pts, worldcup, awt, alpha, hide)")]
    [InlineData("\"1000pts\"", "\"fastest\"", "line 4, field 'orienteering.classes.UOM.scoring': 'fastest' is not a scoring scheme (schemes: time, 1000pts, worldcup, awt, alpha, hide)")]
    [InlineData("\"1000pts\"", "\"wiol-team\"", "line 4, field 'orienteering.classes.UOM.scoring': 'wiol-team' scores a team class: it goes in orienteering.teams")]
    [InlineData("\"wiol-team\"", "\"wiol-teams\"", "line 6, field 'orienteering.teams[0].scoring': 'wiol-teams' is not a scoring scheme; did you mean 'wiol-team'? (schemes: wiol-team, awt-team)")]
    [InlineData("\"wiol-team\"", "\"worldcup\"", "line 6, field 'orienteering.teams[0].scoring': 'worldcup' scores an individual class; a team class is scored by \"wiol-team\" or \"awt-team\"")]
    [InlineData("\"03:00:00\"", "\"3 hours\"", "line 5, field 'orienteering.classes.N4F.timeLimit': '3 hours' is not a time limit like 03:00:00")]
    [InlineData("\"03:00:00\"", "\"00:00:00\"", "line 5, field 'orienteering.classes.N4F.timeLimit': '00:00:00' is not a time limit like 03:00:00")]
    [InlineData("\"scoring\": \"awt\"", "\"scoring\": \"time\"", "line 5, field 'orienteering.classes.N4F.pairedWith': applies only to \"awt\" scoring")]
    [InlineData("\"N5M\"", "\"N4F\"", "line 5, field 'orienteering.classes.N4F.pairedWith': names the other class of the same course")]
    [InlineData("\"UOM\": {", "\"w1f\": {", "line 4, field 'orienteering.classes.w1f': class 'w1f' appears twice; keep one")]
    [InlineData("[\"W2M\", \"W2F\"]", "[]", "line 6, field 'orienteering.teams[0].classes': a team class needs the individual classes it groups")]
    [InlineData("[\"W2M\", \"W2F\"]", "[\"W2M\", 2]", "line 6, field 'orienteering.teams[0].classes[1]': must be a class name in quotes")]
    [InlineData("\"best\": 3", "\"best\": 0", "line 6, field 'orienteering.teams[0].best': must be a whole number from 1 to 50")]
    [InlineData("\"id\": \"W2T\"", "\"id\": \"W2 T\"", "line 6, field 'orienteering.teams[0].id': 'W2 T' may hold only letters, digits, '-' and '_'")]
    [InlineData("\"name\": \"WIOL 2026\", ", "", "field 'orienteering.series.name': is required")]
    public void A_mistake_names_its_line_and_field(string valid, string broken, string expected)
    {
        Assert.Contains(valid, Example, StringComparison.Ordinal);
        Assert.StartsWith(expected, Refused(Example.Replace(valid, broken, StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void Classes_must_be_an_object_keyed_by_class_name()
    {
        Assert.Equal("line 1, field 'orienteering.classes': must be an object of classes { \"W1F\": { \"scoring\": \"worldcup\" } }",
            Refused("""{ "event": { "name": "x" }, "orienteering": { "classes": ["W1F"] } }"""));
    }

    public void Dispose() => TempDir.Delete(_dir);
}
