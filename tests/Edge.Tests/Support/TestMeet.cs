using System.Globalization;
using System.Text;

namespace Edge.Tests.Support;

/// <summary>
/// A meet folder in a temp directory (<c>meet.json</c> + <c>participants.csv</c>), for <c>--Edge:MeetDir</c>.
/// The standard meet is a 10K with a 5 km split and a 5K sharing the start and finish mats, in UTC on 2026-05-02.
/// </summary>
public sealed class TestMeet : IDisposable
{
    public const string Date = "2026-05-02";
    public const string FinishDisplay = "fin0display";
    public const string LeaderDisplay = "lead0display";
    public const string OnCourseDisplay = "out0display";
    public const string AnnouncerDisplay = "ann0display";
    public const string Ssid = "Lake;side \"5\",K:";
    public const string Password = @"pa\ss:word,1";
    public const string ResultsUrl = "http://10.42.0.1/";

    public static readonly string[] Header = ["bib", "first_name", "last_name", "gender", "age", "race", "city", "state", "team"];

    /// <summary>A small roster with the awkward cases: accents, markup in a name, a formula in a city, ties in age groups.</summary>
    public static readonly string[][] SmallRoster =
    [
        ["101", "Zoë", "Ångström", "F", "34", "10k", "Seattle", "WA", "Lakeside Striders"],
        ["102", "<script>alert(1)</script>", "Smith", "M", "41", "10k", "=HYPERLINK(\"http://x\")", "OR", "+team"],
        ["103", "Ann", "Lee", "F", "29", "10k", "Portland", "OR", ""],
        ["104", "José", "Núñez", "M", "35", "10k", "Boise", "ID", "@home"],
        ["105", "Annie", "Leeds", "F", "31", "10k", "Tacoma", "WA", "-minus"],
        ["106", "Bob", "Stone", "M", "52", "10k", "Spokane", "WA", ""],
        ["107", "Cara", "Diaz", "F", "44", "10k", "Eugene", "OR", ""],
        ["201", "Dan", "Annis", "M", "23", "5k", "Salem", "OR", ""],
        ["202", "Eve", "Ng", "F", "61", "5k", "Bend", "OR", ""],
        ["1010", "Finn", "Ohara", "M", "38", "10k", "Yakima", "WA", ""],
    ];

    private TestMeet(string path) => Path = path;

    public string Path { get; }

    /// <summary>The setting that points a box at this folder.</summary>
    public string Setting => $"--Edge:MeetDir={Path}";

    public static TestMeet Create(string meetJson, IEnumerable<string[]> participants)
    {
        var folder = new TestMeet(TempDir.Create("meet"));
        File.WriteAllText(System.IO.Path.Combine(folder.Path, "meet.json"), meetJson);
        var csv = new StringBuilder();
        csv.AppendJoin(',', Header).Append('\n');
        foreach (var row in participants)
        {
            csv.AppendJoin(',', row.Select(Quote)).Append('\n');
        }

        File.WriteAllText(System.IO.Path.Combine(folder.Path, "participants.csv"), csv.ToString());
        return folder;
    }

    /// <summary>The standard meet with the small roster (or the one given).</summary>
    public static TestMeet Standard(IEnumerable<string[]>? participants = null, bool wifi = true) =>
        Create(StandardJson(wifi), participants ?? SmallRoster);

    public static string StandardJson(bool wifi = true, string eventName = "Lakeside 10K")
    {
        var wifiLine = wifi ? $$"""
            "wifi": { "ssid": "{{Json(Ssid)}}", "password": "{{Json(Password)}}", "resultsUrl": "{{ResultsUrl}}" },
            """ : "";
        return $$"""
        {
          "event": { "name": "{{eventName}}", "date": "{{Date}}", "timeZone": "UTC" },
          "races": [
            { "id": "10k", "name": "10K", "distanceKm": 10, "gun": { "location": "start" },
              "timingPoints": [
                { "location": "start", "role": "start" },
                { "location": "5k", "role": "split", "km": 5 },
                { "location": "finish", "role": "finish", "km": 10 } ],
              "minimumTime": "00:10:00" },
            { "id": "5k", "name": "5K", "distanceKm": 5, "gun": { "location": "start" },
              "timingPoints": [
                { "location": "start", "role": "start" },
                { "location": "finish", "role": "finish", "km": 5 } ],
              "minimumTime": "00:05:00" }
          ],
          "ageGroups": { "width": 10, "from": 0, "to": 70 },
          {{wifiLine}}
          "displays": [
            { "id": "{{FinishDisplay}}", "kind": "finish", "title": "Finish line" },
            { "id": "{{LeaderDisplay}}", "kind": "leaderboard", "race": "10k", "title": "10K leaders" },
            { "id": "{{OnCourseDisplay}}", "kind": "onCourse", "title": "Still out there" },
            { "id": "{{AnnouncerDisplay}}", "kind": "announcer", "race": "10k", "title": "Announcer" }
          ],
          "participants": "participants.csv"
        }
        """;
    }

    /// <summary>A big deterministic roster for the 10K: bibs 1..count, names long enough to be realistic.</summary>
    public static IEnumerable<string[]> BigRoster(int count)
    {
        string[] first = ["Alexandra", "Benjamin", "Charlotte", "Dominique", "Emmanuel", "Françoise", "Guillermo", "Henrietta", "Ignatius", "Józefina"];
        string[] last = ["Abernathy-Smythe", "Bartholomew", "Castellanos", "Dubrovnik", "Eriksdóttir", "Fitzgerald", "Gonçalves", "Hollingsworth", "Iwasaki", "Jovanović", "Kowalczyk"];
        string[] cities = ["Seattle", "Portland", "San Francisco", "Sacramento", "Vancouver", "Bellingham", "Walla Walla"];
        for (var i = 1; i <= count; i++)
        {
            yield return
            [
                i.ToString(CultureInfo.InvariantCulture), first[i % first.Length], last[i / first.Length % last.Length], i % 2 == 0 ? "F" : "M",
                (16 + i * 7 % 60).ToString(CultureInfo.InvariantCulture), "10k", cities[i % cities.Length], "WA", i % 5 == 0 ? "Northwest Trail Runners Association" : "",
            ];
        }
    }

    public void Dispose() => TempDir.Delete(Path);

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    private static string Json(string text) => text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
