using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Edge.Appliance.Demo;

/// <summary>
/// The meet folder <c>--demo</c> runs when no <c>Edge:MeetDir</c> is given: one 10K matching the simulated
/// race (bibs from 1, timing points start, 5k, finish), a roster with made-up names, a Wi-Fi sign and one
/// display of each kind with fresh random ids.
/// </summary>
public static class DemoMeet
{
    private static readonly string[] FirstNames = ["Ana", "Ben", "Chloé", "Dev", "Eva", "Finn", "Grace", "Hugo", "Iris", "José", "Kai", "Lena", "Mo", "Nora", "Omar", "Pia"];
    private static readonly string[] LastNames = ["García", "O'Brien", "Nguyen", "Patel", "Schmidt", "Kowalski", "Okafor", "Larsen", "Silva", "Kim", "Müller", "Rossi"];
    private static readonly string[] Towns = ["Seattle,WA", "Tacoma,WA", "Olympia,WA", "Portland,OR", "Spokane,WA", "Boise,ID"];

    public static string Write(string dataDir, int participants, DateOnly date, string meetId)
    {
        var dir = Path.Combine(dataDir, "demo-meet");
        Directory.CreateDirectory(dir);
        var displays = string.Join(",\n    ", new[] { "finish", "leaderboard", "onCourse", "announcer" }
            .Select(kind => $$"""{ "id": "{{RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyz23456789", 12)}}", "kind": "{{kind}}", "race": "10k" }"""));
        File.WriteAllText(Path.Combine(dir, "meet.json"), $$"""
            {
              "event": { "id": "{{meetId}}", "name": "Demo 10K", "date": "{{date:yyyy-MM-dd}}", "timeZone": "UTC" },
              "races": [
                { "id": "10k", "name": "10K", "distanceKm": 10, "rankBy": "gun",
                  "gun": { "location": "start" },
                  "timingPoints": [
                    { "location": "start", "role": "start" },
                    { "location": "5k", "role": "split", "km": 5 },
                    { "location": "finish", "role": "finish", "km": 10 } ],
                  "minimumTime": "00:15:00" } ],
              "ageGroups": { "width": 10, "from": 0, "to": 70 },
              "participants": "participants.csv",
              "wifi": { "ssid": "edge-results", "password": "finishline", "resultsUrl": "http://10.42.0.1/" },
              "displays": [
                {{displays}} ]
            }
            """);
        var csv = new StringBuilder("bib,first_name,last_name,gender,age,race,city,state\n");
        for (var bib = 1; bib <= participants; bib++)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{bib},{FirstNames[bib % FirstNames.Length]},\"{LastNames[bib * 7 % LastNames.Length]}\",{(bib % 2 == 0 ? "F" : "M")},{16 + bib * 13 % 60},10k,{Towns[bib % Towns.Length]}\n");
        }

        File.WriteAllText(Path.Combine(dir, "participants.csv"), csv.ToString());
        return dir;
    }
}
