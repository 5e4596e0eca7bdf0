using System.Text;
using Edge.Appliance.Meet;
using Edge.Online.Roster;

namespace Edge.Online.Tests.Roster;

/// <summary>A roster as the box's participants.csv: the loader's columns, read back by the appliance's own MeetLoader.</summary>
public class ParticipantsCsvTests
{
    private static readonly MeetRace[] TwoRaces = [new("10k", "10K"), new("5k", "5K Fun Run")];

    private static RosterEntry Entry(string bib, string race = "456", string raceName = "10K", string gender = "F", int? age = 30,
        DateOnly? born = null, string first = "Ann", string last = "Lee", string chip = "", string city = "Seattle", string team = "") =>
        new($"r{bib}", bib, first, last, gender, age, born, city, "WA", team, chip, race, raceName);

    private const string MeetJson = """
        {
          "event": { "name": "Lakeside 10K", "date": "2026-05-02", "timeZone": "America/Los_Angeles" },
          "races": [
            { "id": "10k", "name": "10K", "timingPoints": [ { "location": "finish", "role": "finish" } ] },
            { "id": "5k", "name": "5K Fun Run", "timingPoints": [ { "location": "finish", "role": "finish" } ] } ]
        }
        """;

    [Fact]
    public void The_file_has_the_loaders_columns_and_the_box_reads_back_every_field()
    {
        var map = new RaceMap(TwoRaces, [new("456", "10k"), new("789", "5k")]);
        RosterEntry[] entries =
        [
            Entry("10", first: "Zoë", last: "O'Neil, Jr.", team: "Run \"Fast\" Club", chip: "E200"),
            Entry("2", gender: "male", age: null, born: new DateOnly(1990, 5, 3), city: "Tacoma"),
            Entry("101", race: "789", raceName: "5K", gender: "Non-Binary", age: 12),
        ];

        var file = ParticipantsCsv.Build(entries, map, new DateOnly(2026, 5, 2), "RunSignUp event");

        var text = Encoding.UTF8.GetString(file.Content);
        Assert.Equal("""
            bib,first_name,last_name,gender,age,race,chip,city,state,team
            2,Ann,Lee,M,35,10k,,Tacoma,WA,
            10,Zoë,"O'Neil, Jr.",F,30,10k,E200,Seattle,WA,"Run ""Fast"" Club"
            101,Ann,Lee,X,12,5k,,Seattle,WA,

            """.ReplaceLineEndings("\n"), text);
        using var temp = new TempFolder();
        temp.Write("meet.json", MeetJson);
        File.WriteAllBytes(temp["participants.csv"], file.Content);
        var meet = MeetLoader.Load(temp.Path);
        var zoe = meet.Participants.Single(p => p.Bib == "10");
        Assert.Equal(("Zoë", "O'Neil, Jr.", "F", 30, "10k", "E200", "Run \"Fast\" Club"), (zoe.FirstName, zoe.LastName, zoe.Gender, zoe.Age, zoe.RaceId, zoe.Tag, zoe.Team));
        Assert.Equal(["10k", "10k", "5k"], meet.Participants.Select(p => p.RaceId));
        Assert.Equal("2", meet.Participants.Single(p => p.Tag == "2").Bib);
        Assert.Equal(1, file.Summary.AgeFromBirthDate);
        Assert.Equal([2, 1], file.Summary.Races.Select(r => r.Participants));
    }

    [Fact]
    public void Without_a_bib_a_registration_is_left_out_and_counted_and_an_unknown_gender_is_X_and_counted()
    {
        var map = new RaceMap([new MeetRace("10k", "10K")]);

        var file = ParticipantsCsv.Build([Entry("1"), Entry(""), Entry(" "), Entry("4", gender: "")], map, null, "RunSignUp event");

        Assert.Equal((2, 2, 1), (file.Summary.Participants, file.Summary.LeftOutWithoutBib, file.Summary.GenderNotGiven));
        Assert.Contains("4,Ann,Lee,X,30,10k", Encoding.UTF8.GetString(file.Content), StringComparison.Ordinal);
        Assert.Equal(
            ["race 10k: 2 participants (from 456 '10K')", "left out: 2 registrations without a bib (assign bibs at the service and pull again)",
             "gender not given or not M/F/X for 1: written as X (fix at the service and pull again)"],
            file.Summary.Lines());
    }

    [Fact]
    public void Races_are_matched_by_name_without_a_map_and_an_unplaced_race_names_itself()
    {
        var byName = ParticipantsCsv.Build([Entry("1", race: "10K", raceName: "10K"), Entry("2", race: "5k fun run", raceName: "5k fun run")],
            new RaceMap(TwoRaces), null, "ChronoTrack Live race");
        var e = Assert.Throws<RosterException>(() => ParticipantsCsv.Build([Entry("1"), Entry("2", race: "999", raceName: "Half Marathon"), Entry("3", race: "999", raceName: "Half Marathon")],
            new RaceMap(TwoRaces, [new("456", "10k")]), null, "RunSignUp event"));

        Assert.Equal(["10k", "5k"], byName.Summary.Races.Select(r => r.RaceId));
        Assert.Equal([1, 1], byName.Summary.Races.Select(r => r.Participants));
        Assert.Equal("no meet race for RunSignUp event 999 'Half Marathon' (2 runners): map each to one of the meet's races (10k, 5k), like 999=10k", e.Message);
    }

    [Fact]
    public void A_meet_with_one_race_takes_everyone()
    {
        var file = ParticipantsCsv.Build([Entry("1", race: "456"), Entry("2", race: "789", raceName: "5K")], new RaceMap([new MeetRace("main", "Main")]), null, "RunSignUp event");

        Assert.Equal(2, file.Summary.Races.Single().Participants);
    }

    [Theory]
    [InlineData("7", "", "7", "", "bib 7 is given to two registrations: registration r7 (Ann Lee) and registration r7 (Bo Kim); fix it at the service and pull again")]
    [InlineData("7", "", "8", "7", "tag 7 would be read for both registration r7 (Ann Lee) and registration r8 (Bo Kim) (a chip equal to another runner's chip or bib); fix it at the service and pull again")]
    public void What_the_box_would_refuse_is_refused_in_the_services_terms(string bib1, string chip1, string bib2, string chip2, string expected)
    {
        var e = Assert.Throws<RosterException>(() => ParticipantsCsv.Build([Entry(bib1, chip: chip1), Entry(bib2, chip: chip2, first: "Bo", last: "Kim")],
            new RaceMap([new MeetRace("10k", "10K")]), null, "RunSignUp event"));

        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Control_characters_in_names_become_spaces_and_an_impossible_age_is_left_blank()
    {
        var file = ParticipantsCsv.Build([Entry("1", first: "Ann\tMarie\r\n", age: 212)], new RaceMap([new MeetRace("10k", "10K")]), null, "RunSignUp event");

        Assert.EndsWith("\n1,Ann Marie,Lee,F,,10k,,Seattle,WA,\n", Encoding.UTF8.GetString(file.Content), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("456=10k", "456", "10k")]
    [InlineData(" 10K Run = 10k ", "10K Run", "10k")]
    [InlineData("a=b=5k", "a=b", "5k")]
    public void A_map_pair_is_KEY_equals_RACE(string text, string key, string race) =>
        Assert.Equal(new KeyValuePair<string, string>(key, race), RaceMap.ParsePair(text));

    [Fact]
    public void A_map_to_a_race_the_meet_does_not_have_is_refused()
    {
        Assert.Equal("'456=half': the meet has no race 'half' (races: 10k, 5k)", Assert.Throws<RosterException>(() => new RaceMap(TwoRaces, [new("456", "half")])).Message);
        Assert.Throws<RosterException>(() => RaceMap.ParsePair("10k"));
        Assert.Throws<RosterException>(() => RaceMap.ParsePair("=10k"));
    }

    [Fact]
    public void Ages_count_whole_years_to_the_event_date()
    {
        Assert.Equal(36, ParticipantsCsv.AgeOn(new DateOnly(1990, 5, 2), new DateOnly(2026, 5, 2)));
        Assert.Equal(35, ParticipantsCsv.AgeOn(new DateOnly(1990, 5, 3), new DateOnly(2026, 5, 2)));
        Assert.Equal(34, ParticipantsCsv.AgeOn(new DateOnly(1991, 5, 3), new DateOnly(2026, 5, 2)));
        Assert.Null(ParticipantsCsv.AgeOn(new DateOnly(2027, 1, 1), new DateOnly(2026, 5, 2)));
    }
}
