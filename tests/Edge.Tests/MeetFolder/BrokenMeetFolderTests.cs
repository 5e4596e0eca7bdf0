using System.Text;
using Edge.Appliance.Meet;
using Edge.Tests.Support;
using Xunit.Abstractions;

namespace Edge.Tests.MeetFolder;

/// <summary>
/// The loader is total: whatever is in the meet folder, <see cref="MeetLoader.Load"/> returns a meet or throws a
/// <see cref="MeetException"/> saying which file, line and field is wrong. Nothing else escapes it.
/// </summary>
public class BrokenMeetFolderTests(ITestOutputHelper output) : IDisposable
{
    private const string Event = """ "event": { "name": "x" } """;
    private const string Race = """ "races": [ { "id": "10k", "timingPoints": [ { "location": "finish", "role": "finish" } ] } ] """;
    private const string Header = "bib,first_name,last_name,gender,age,race\n";

    private readonly string _dir = TempDir.Create("meet-broken");

    private static string Json(string dir, string text) => Bytes(dir, "meet.json", Encoding.UTF8.GetBytes(text));

    private static string Bytes(string dir, string file, byte[] bytes)
    {
        File.WriteAllBytes(Path.Combine(dir, file), bytes);
        return dir;
    }

    private static string Roster(string dir, string csv) => Bytes(Json(dir, $$"""{ {{Event}}, {{Race}} }"""), "participants.csv", Encoding.UTF8.GetBytes(csv));

    private static string Folder(string dir, string name)
    {
        Directory.CreateDirectory(Path.Combine(dir, name));
        return dir;
    }

    /// <summary>Each shape: how to make the folder (returns the folder to load), and what the message must say.</summary>
    private static readonly Dictionary<string, (Func<string, string> Make, string[] Says)> Shapes = new()
    {
        ["NUL in the participants path"] = (d => Json(d, $$"""{ {{Event}}, "participants": "roster\u0000.csv" }"""),
            ["meet.json: line 1, field 'participants': ", "U+0000"]),
        ["participants path escaping the folder with .."] = (d => Json(d, $$"""{ {{Event}}, "participants": "../participants.csv" }"""),
            ["meet.json: line 1, field 'participants': ", "a file in the meet folder"]),
        ["rooted participants path"] = (d => Json(d, $$"""{ {{Event}}, "participants": "/etc/passwd" }"""),
            ["meet.json: line 1, field 'participants': ", "a file in the meet folder"]),
        ["Windows participants path"] = (d => Json(d, $$"""{ {{Event}}, "participants": "C:\\rosters\\roster.csv" }"""),
            ["meet.json: line 1, field 'participants': ", "a file in the meet folder"]),
        ["empty participants path"] = (d => Json(d, $$"""{ {{Event}}, "participants": "" }"""),
            ["meet.json: line 1, field 'participants': "]),
        ["participants path that is a number"] = (d => Json(d, $$"""{ {{Event}}, "participants": 5 }"""),
            ["meet.json: line 1, field 'participants': must be a string"]),
        ["named roster missing"] = (d => Json(d, $$"""{ {{Event}}, "participants": "roster.csv" }"""),
            ["meet.json: line 1, field 'participants': ", "'roster.csv'", "not in the meet folder"]),
        ["named roster is a folder"] = (d => Folder(Json(d, $$"""{ {{Event}}, "participants": "roster.csv" }"""), "roster.csv"),
            ["meet.json: line 1, field 'participants': ", "'roster.csv' is a folder, not a file"]),
        ["default roster is a folder"] = (d => Folder(Json(d, $$"""{ {{Event}} }"""), "participants.csv"),
            ["participants.csv: is a folder, not a file"]),
        ["meet.json is a folder"] = (d => Folder(d, "meet.json"), ["meet.json: is a folder, not a file"]),
        ["meet.json missing"] = (d => d, ["meet.json: not found"]),
        ["meet folder missing"] = (d => Path.Combine(d, "gone"), ["meet.json: not found", "no folder"]),
        ["NUL in the meet folder's path"] = (d => d + "\0x", ["meet folder"]),
        ["unknown key"] = (d => Json(d, $$"""{ {{Event}}, "race": [] }"""), ["meet.json: line 1: unknown field 'race'; did you mean 'races'?"]),
        ["bad gender"] = (d => Roster(d, Header + "1,A,B,Mle,34,10k\n"), ["participants.csv: line 2, field 'gender': 'Mle' is not a gender"]),
        ["invalid JSON"] = (d => Json(d, "{\n  \"event\": { \"name\": \"x\" } \"races\": []\n}"), ["meet.json: line 2, column 28: "]),
        ["empty file"] = (d => Json(d, ""), ["meet.json: line 1, column 1: ", "no JSON"]),
        ["only comments"] = (d => Json(d, "// nothing yet\n"), ["meet.json: line 2, column 1: ", "no JSON"]),
        ["a JSON list instead of an object"] = (d => Json(d, "[ { \"event\": { \"name\": \"x\" } } ]"), ["meet.json: ", "must hold one JSON object"]),
        ["a string instead of an object"] = (d => Json(d, "\"x\""), ["meet.json: ", "must hold one JSON object"]),
        ["deeply nested JSON"] = (d => Json(d, $$"""{ {{Event}}, "races": {{new string('[', 100)}}{{new string(']', 100)}} }"""),
            ["meet.json: line 1, column ", "nested more than 64"]),
        ["BOM at the start, then a bad zone"] = (d => Bytes(d, "meet.json", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{ "event": { "name": "x", "timeZone": "PST" } }""")]),
            ["meet.json: line 1, field 'event.timeZone': unknown time zone 'PST'"]),
        ["zone PST"] = (d => Json(d, """{ "event": { "name": "x", "timeZone": "PST" } }"""), ["meet.json: line 1, field 'event.timeZone': unknown time zone 'PST'"]),
        ["zone EST (a fixed-offset abbreviation tzdata still carries)"] = (d => Json(d, """{ "event": { "name": "x", "timeZone": "EST" } }"""),
            ["meet.json: line 1, field 'event.timeZone': ", "'EST'", "America/Los_Angeles"]),
        ["zone by its Windows name"] = (d => Json(d, """{ "event": { "name": "x", "timeZone": "Pacific Standard Time" } }"""),
            ["meet.json: line 1, field 'event.timeZone': ", "'Pacific Standard Time'"]),
        ["zone with a path in it"] = (d => Json(d, """{ "event": { "name": "x", "timeZone": "posix/America/New_York" } }"""),
            ["meet.json: line 1, field 'event.timeZone': "]),
        ["zone that is a number"] = (d => Json(d, """{ "event": { "name": "x", "timeZone": -8 } }"""), ["meet.json: line 1, field 'event.timeZone': must be a string"]),
        ["ageGroups.width 1e30"] = (d => Json(d, $$"""{ {{Event}}, "ageGroups": { "width": 1e30 } }"""),
            ["meet.json: line 1, field 'ageGroups.width': must be a whole number from 1 to 150"]),
        ["ageGroups.from not whole"] = (d => Json(d, $$"""{ {{Event}}, "ageGroups": { "from": 1.5 } }"""),
            ["meet.json: line 1, field 'ageGroups.from': must be a whole number"]),
        ["ageGroups.to negative huge"] = (d => Json(d, $$"""{ {{Event}}, "ageGroups": { "to": -1e300 } }"""),
            ["meet.json: line 1, field 'ageGroups.to': must be a whole number"]),
        ["ageGroups not an object"] = (d => Json(d, $$"""{ {{Event}}, "ageGroups": 10 }"""), ["meet.json: line 1, field 'ageGroups': must be an object"]),
        ["distanceKm beyond double"] = (d => Json(d, $$"""{ {{Event}}, "races": [ { "id": "a", "distanceKm": 1e400, "timingPoints": [ { "location": "f", "role": "finish" } ] } ] }"""),
            ["meet.json: line 1, field 'races[0].distanceKm': must be a number from 0 to 1000"]),
        ["timing point km negative"] = (d => Json(d, $$"""{ {{Event}}, "races": [ { "id": "a", "timingPoints": [ { "location": "f", "role": "finish", "km": -5 } ] } ] }"""),
            ["meet.json: line 1, field 'races[0].timingPoints[0].km': must be a number from 0 to 1000"]),
        ["timing point not an object"] = (d => Json(d, $$"""{ {{Event}}, "races": [ { "id": "a", "timingPoints": [ "finish" ] } ] }"""),
            ["meet.json: line 1, field 'races[0].timingPoints[0]': must be an object"]),
        ["timingPoints not a list"] = (d => Json(d, $$"""{ {{Event}}, "races": [ { "id": "a", "timingPoints": { "location": "f", "role": "finish" } } ] }"""),
            ["meet.json: line 1, field 'races[0].timingPoints': "]),
        ["race not an object"] = (d => Json(d, $$"""{ {{Event}}, "races": [ "10k" ] }"""), ["meet.json: line 1, field 'races[0]': must be an object"]),
        ["gun not an object"] = (d => Json(d, $$"""{ {{Event}}, "races": [ { "id": "a", "gun": "start", "timingPoints": [ { "location": "f", "role": "finish" } ] } ] }"""),
            ["meet.json: line 1, field 'races[0].gun': must be an object"]),
        ["wifi not an object"] = (d => Json(d, $$"""{ {{Event}}, "wifi": "edge-results" }"""), ["meet.json: line 1, field 'wifi': must be an object"]),
        ["display not an object"] = (d => Json(d, $$"""{ {{Event}}, "displays": [ "k3f9x2qa7m" ] }"""), ["meet.json: line 1, field 'displays[0]': must be an object"]),
        ["cloud not an object"] = (d => Json(d, $$"""{ {{Event}}, "cloud": "mqtts://mqtt.example.org" }"""), ["meet.json: line 1, field 'cloud': must be an object"]),
        ["event a list"] = (d => Json(d, """{ "event": [ "x" ] }"""), ["meet.json: line 1, field 'event': "]),
        ["a field given twice"] = (d => Json(d, "{\n  \"event\": { \"name\": \"x\",\n    \"name\": \"y\" }\n}"), ["meet.json: line 3, field 'event.name': appears twice"]),
        ["control character in the event name"] = (d => Json(d, """{ "event": { "name": "a\nb" } }"""), ["meet.json: line 1, field 'event.name': ", "U+000A"]),
        ["meet.json not UTF-8"] = (d => Bytes(d, "meet.json", [.. Encoding.UTF8.GetBytes("{ \"event\": {\n \"name\": \"Jos"), 0xE9, .. Encoding.UTF8.GetBytes("\" } }")]),
            ["meet.json: line 2, column 14: ", "not UTF-8"]),
        ["half a surrogate pair"] = (d => Json(d, """{ "event": { "name": "\uD800" } }"""), ["meet.json: line 1, column 22: "]),
        ["half a surrogate pair in a field name"] = (d => Json(d, """{ "event": { "name": "x", "\uDC00": 1 } }"""), ["meet.json: line 1, column 27: "]),
        ["date in year 1 with a gun time east of UTC"] = (d => Json(d, """{ "event": { "name": "x", "date": "0001-01-01", "timeZone": "Asia/Tokyo" }, "races": [ { "id": "a", "gun": { "time": "08:00:00" }, "timingPoints": [ { "location": "f", "role": "finish" } ] } ] }"""),
            ["meet.json: line 1, field 'event.date': "]),
        ["roster not UTF-8"] = (d => Bytes(Roster(d, ""), "participants.csv", [.. Encoding.UTF8.GetBytes(Header + "1,Jos"), 0xE9, .. Encoding.UTF8.GetBytes(",B,M,34,10k\n")]),
            ["participants.csv: line 2, column 6: ", "not UTF-8"]),
        ["roster row with more fields than the header"] = (d => Roster(d, Header + "1,Mary,Smith, Jr.,F,34,10k\n"), ["participants.csv: line 2: 7 fields"]),
        ["roster header naming a column twice"] = (d => Roster(d, "bib,first_name,last_name,gender,age,race,bib\n1,A,B,F,34,10k,2\n"),
            ["participants.csv: line 1: column 'bib' appears twice"]),
        ["roster text after a closing quote"] = (d => Roster(d, Header + "1,\"O\"Neil\",B,F,34,10k\n"), ["participants.csv: line 2: "]),
        ["roster empty"] = (d => Roster(d, ""), ["participants.csv: line 1: the header row is missing"]),
    };

    public static TheoryData<string> ShapeNames
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var name in Shapes.Keys)
            {
                names.Add(name);
            }

            return names;
        }
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void A_broken_meet_folder_gives_only_a_MeetException_naming_file_line_and_field(string shape)
    {
        var (make, says) = Shapes[shape];
        var dir = make(_dir);
        var thrown = Record.Exception(() => MeetLoader.Load(dir));
        var e = Assert.IsType<MeetException>(thrown);
        output.WriteLine(e.Message);
        foreach (var fragment in says)
        {
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("LineNumber", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', e.Message);
    }

    [Fact]
    public void A_meet_json_starting_with_a_byte_order_mark_loads()
    {
        // Windows Notepad used to write one; a BOM is not content.
        Bytes(_dir, "meet.json", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{ "event": { "name": "Lakeside", "timeZone": "America/Los_Angeles" } }""")]);
        Assert.Equal("America/Los_Angeles", MeetLoader.Load(_dir).Event.TimeZone.Id);
    }

    [Fact]
    public void A_roster_saved_with_old_Mac_line_ends_loads_every_row()
    {
        Roster(_dir, Header.Replace('\n', '\r') + "1,A,B,F,34,10k\r2,C,D,M,40,10k\r");
        Assert.Equal(["1", "2"], MeetLoader.Load(_dir).Participants.Select(p => p.Bib));
    }

    public void Dispose() => TempDir.Delete(_dir);
}
