namespace Edge.Provisioning.Tests.Support;

/// <summary>Meet folders and the flags that make them.</summary>
public static class Meets
{
    public const string Password = "correct horse battery staple";

    /// <summary>
    /// The flags of a usual two-race meet, never asking; <paramref name="more"/> adds flags, and replaces the event's
    /// name, date or time zone when it gives one.
    /// </summary>
    public static string[] NewArgs(string dir, params string[] more)
    {
        var ev = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--name"] = "Lakeside 10K", ["--date"] = "2026-05-02", ["--time-zone"] = "America/Los_Angeles",
        };
        var rest = new List<string>();
        for (var i = 0; i < more.Length; i++)
        {
            if (ev.ContainsKey(more[i]) && i + 1 < more.Length)
            {
                ev[more[i]] = more[++i];
            }
            else
            {
                rest.Add(more[i]);
            }
        }

        return ["new", dir, "--yes", .. ev.SelectMany(e => new[] { e.Key, e.Value }), "--race", "10k:10K:10", "--split", "10k:5k:5", "--race", "5k:5K Fun Run:5", .. rest];
    }

    public const string Roster = """
        bib,first_name,last_name,gender,age,race,city
        1,Ann,Lee,F,34,10k,Seattle
        2,Bo,Kim,M,41,10k,Tacoma
        3,Cy,Ng,X,29,5k,Olympia

        """;

    /// <summary>A meet folder written by hand (as a timer editing on a laptop would), with a roster.</summary>
    public static string Written(TempFolder temp, string name = "meet", string? meetJson = null, string? roster = null)
    {
        temp.Write($"{name}/meet.json", meetJson ?? """
            {
              "event": { "name": "Lakeside 10K", "date": "2026-05-02", "timeZone": "America/Los_Angeles" },
              "races": [ { "id": "10k", "name": "10K", "distanceKm": 10,
                           "timingPoints": [ { "location": "start", "role": "start" }, { "location": "finish", "role": "finish", "km": 10 } ] } ]
            }
            """);
        temp.Write($"{name}/participants.csv", roster ?? "bib,first_name,last_name,gender,age,race\n1,Ann,Lee,F,34,10k\n2,Bo,Kim,M,41,10k\n");
        return temp[name];
    }
}
