using Edge.Appliance.Meet;
using Edge.Tests.Support;

namespace Edge.Tests.MeetFolder;

public class MeetLoaderTests : IDisposable
{
    private static readonly string Example = Repo.Fixture("meet-example");
    private readonly string _dir = TempDir.Create("meet");

    private void Write(string meetJson, string? participants = null)
    {
        File.WriteAllText(Path.Combine(_dir, "meet.json"), meetJson);
        if (participants is not null)
        {
            File.WriteAllText(Path.Combine(_dir, "participants.csv"), participants);
        }
    }

    private MeetException Refused() => Assert.Throws<MeetException>(() => MeetLoader.Load(_dir));

    [Fact]
    public void The_example_meet_folder_loads()
    {
        var meet = MeetLoader.Load(Example);
        Assert.Equal("Lakeside 10K & 5K", meet.Event.Name);
        Assert.Equal(["10k", "5k"], meet.Races.Select(r => r.Id));
        Assert.Equal(RankBy.Chip, meet.Races[1].RankBy);
        Assert.Equal(TimeSpan.FromMinutes(25), meet.Races[0].MinimumTime);
        // 08:15 in Los Angeles on 2026-05-02 is 15:15 UTC (daylight time).
        Assert.Equal(new DateTimeOffset(2026, 5, 2, 15, 15, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), meet.Races[1].Gun.AtMs);
        var ana = meet.Participants.Single(p => p.Bib == "101");
        Assert.Equal(("Ana García", "F", 34, "10k", "101", "Seattle, WA"), (ana.Name, ana.Gender, ana.Age, ana.RaceId, ana.Tag, ana.Hometown));
    }

    [Fact]
    public void A_json_syntax_error_names_the_line()
    {
        Write("{\n  \"event\": { \"name\": \"x\" },\n  \"races\": [ oops ]\n}");
        Assert.Contains("meet.json: line 3", Refused().Message);
    }

    [Theory]
    [InlineData("""{ "races": [] }""", "field 'event'")]
    [InlineData("""{ "event": { "name": "" } }""", "field 'event.name': is required")]
    [InlineData("""{ "event": { "name": "x", "timeZone": "Mars/Olympus" } }""", "field 'event.timeZone': unknown time zone")]
    [InlineData("""{ "event": { "name": "x", "date": "02/05/2026" } }""", "field 'event.date'")]
    [InlineData("""{ "event": { "name": "x" }, "races": [ { "id": "10k", "timingPoints": [ { "location": "start", "role": "start" } ] } ] }""", "races[0].timingPoints': a race needs exactly one timing point with role \"finish\"")]
    [InlineData("""{ "event": { "name": "x" }, "races": [ { "id": "10k", "timingPoints": [ { "location": "f", "role": "finsh" } ] } ] }""", "field 'races[0].timingPoints[0].role': 'finsh'")]
    [InlineData("""{ "event": { "name": "x" }, "races": [ { "id": "10k", "minimumTime": "20 min", "timingPoints": [ { "location": "f", "role": "finish" } ] } ] }""", "field 'races[0].minimumTime'")]
    [InlineData("""{ "event": { "name": "x" }, "races": [ { "id": "a b", "timingPoints": [ { "location": "f", "role": "finish" } ] } ] }""", "field 'races[0].id'")]
    [InlineData("""{ "event": { "name": "x" }, "races": [ { "id": "a", "rankBy": "place", "timingPoints": [ { "location": "f", "role": "finish" } ] } ] }""", "field 'races[0].rankBy'")]
    [InlineData("""{ "event": { "name": "x" }, "races": [ { "id": "a", "gun": { "time": "08:00:00" }, "timingPoints": [ { "location": "f", "role": "finish" } ] } ] }""", "a gun time of day needs event.date")]
    [InlineData("""{ "event": { "name": "x" }, "wifi": { "ssid": "race", "password": "short" } }""", "field 'wifi.password'")]
    [InlineData("""{ "event": { "name": "x" }, "displays": [ { "id": "abc", "kind": "finish" } ] }""", "field 'displays[0].id'")]
    [InlineData("""{ "event": { "name": "x" }, "displays": [ { "id": "k3f9x2qa7m", "kind": "clock" } ] }""", "field 'displays[0].kind'")]
    public void Meet_json_problems_name_the_field(string json, string expected)
    {
        Write(json);
        Assert.Contains(expected, Refused().Message);
    }

    [Fact]
    public void A_field_problem_names_its_line_too()
    {
        Write("{\n  \"event\": {\n    \"name\": \"x\",\n    \"timeZone\": \"Nowhere/Else\"\n  }\n}");
        Assert.Contains("meet.json: line 4, field 'event.timeZone'", Refused().Message);
    }

    private const string OneRace = """
        { "event": { "name": "x" }, "races": [ { "id": "10k", "timingPoints": [ { "location": "finish", "role": "finish" } ] } ] }
        """;

    [Theory]
    [InlineData("bib,first_name,last_name,gender,race\n1,A,B,F,10k\n", "line 1: column 'age' is missing")]
    [InlineData("bib,first_name,last_name,gender,age,race\n1,A,B,F,34,10k\n1,C,D,M,40,10k\n", "line 3, field 'bib': bib 1 appears twice")]
    [InlineData("bib,first_name,last_name,gender,age,race\n1,A,B,F,thirty,10k\n", "line 2, field 'age'")]
    [InlineData("bib,first_name,last_name,gender,age,race\n1,A,B,F,34,marathon\n", "line 2, field 'race': no race has id 'marathon'")]
    [InlineData("bib,first_name,last_name,gender,age,race\n1,A,B,,34,10k\n", "line 2, field 'gender'")]
    [InlineData("bib,first_name,last_name,gender,age,race,chip\n1,A,B,F,34,10k,X\n2,C,D,F,34,10k,X\n", "line 3, field 'chip': tag X is already bib 1's")]
    [InlineData("bib,first_name,last_name,gender,age,race\n1,\"A,B,F,34,10k\n", "line 2: a quote opened here is never closed")]
    public void Participants_csv_problems_name_line_and_field(string csv, string expected)
    {
        Write(OneRace, csv);
        var e = Refused();
        Assert.Contains("participants.csv: " + expected, e.Message);
    }

    [Fact]
    public void Quoted_fields_hold_commas_quotes_and_line_breaks_and_blank_lines_are_skipped()
    {
        Write(OneRace, "\uFEFFbib,first_name,last_name,gender,age,race,team\r\n1,\"Mary, Jr.\",\"O\"\"Neil\",f,,10k,\"Two\nLines\"\r\n\r\n2,B,C,M,50,10K,\r\n");
        var meet = MeetLoader.Load(_dir);
        Assert.Equal(2, meet.Participants.Count);
        var mary = meet.Participants[0];
        Assert.Equal(("Mary, Jr.", "O\"Neil", "F", (int?)null, "Two\nLines"), (mary.FirstName, mary.LastName, mary.Gender, mary.Age, mary.Team));
        Assert.Equal("10k", meet.Participants[1].RaceId);
    }

    [Fact]
    public void A_huge_file_is_refused_without_reading_it()
    {
        Write(OneRace);
        using (var csv = File.Create(Path.Combine(_dir, "participants.csv")))
        {
            csv.SetLength(MeetLoader.MaxFileBytes + 1);
        }

        Assert.Contains("at most", Refused().Message);
    }

    public void Dispose() => TempDir.Delete(_dir);
}
