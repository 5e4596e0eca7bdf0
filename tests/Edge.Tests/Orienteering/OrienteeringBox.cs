using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Tests.Support;

namespace Edge.Tests.Orienteering;

/// <summary>An orienteering meet folder and an inbox in temp folders, and waiting on what the box's API says.</summary>
internal sealed class OrienteeringBox : IDisposable
{
    public const string MeetJson = """
        {
          "event": { "name": "WIOL #3", "date": "2026-05-02", "timeZone": "America/Los_Angeles" },
          CONSOLE
          "orienteering": {
            "classes": { "W1F": { "scoring": "worldcup" } },
            "teams": [ { "id": "W2T", "name": "Middle School Teams", "classes": ["W1F"], "scoring": "wiol-team", "best": 3 } ],
            "series": { "name": "WIOL 2026", "best": 4 }
          }
        }
        """;

    public OrienteeringBox()
    {
        Meet = TestMeet.Create(MeetJson.Replace("CONSOLE", ConsoleClient.MeetSection, StringComparison.Ordinal), []);
        Inbox = TempDir.Create("inbox");
    }

    public TestMeet Meet { get; }

    public string Inbox { get; }

    /// <summary>Settings for a box reading this inbox quickly: polled every 50 ms, settled after <paramref name="settle"/>.</summary>
    public string[] Settings(string settle = "00:00:00.300") =>
        [Meet.Setting, $"--Edge:InboxDir={Inbox}", $"--Edge:InboxSettle={settle}", "--Edge:InboxPollInterval=00:00:00.050"];

    /// <summary>Writes a file into the inbox the way an exporter does: to a temporary name, then renamed into place.</summary>
    public string Drop(string name, string xml) => Drop(name, System.Text.Encoding.UTF8.GetBytes(xml));

    public string Drop(string name, byte[] bytes)
    {
        var path = Path.Combine(Inbox, name);
        File.WriteAllBytes(path + ".part", bytes);
        File.Move(path + ".part", path, overwrite: true);
        return path;
    }

    public static async Task<JsonElement> ClassesAsync(TestBox box) => await box.Http.GetFromJsonAsync<JsonElement>("/api/o/classes");

    /// <summary>Polls /api/o/classes until <paramref name="condition"/> holds.</summary>
    public static async Task<JsonElement> WaitAsync(TestBox box, Func<JsonElement, bool> condition, string what, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var classes = await ClassesAsync(box);
            if (condition(classes))
            {
                return classes;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"timed out waiting for {what}: {classes}");
            await Task.Delay(25);
        }
    }

    public static bool HasClass(JsonElement classes, string name) =>
        classes.GetProperty("classes").EnumerateArray().Any(c => c.GetProperty("name").GetString() == name);

    public static async Task<List<JsonElement>> ResultsAsync(TestBox box, string key) =>
        [.. (await box.Http.GetFromJsonAsync<JsonElement>($"/api/o/classes/{Uri.EscapeDataString(key)}/results")).EnumerateArray()];

    /// <summary>A small list: class W1F with the runners given (name, club, seconds), created at <paramref name="createTime"/>.</summary>
    public static string List(string createTime, params (string Given, string Family, string Club, double Time)[] runners) =>
        IofXml.List(IofXml.ClassResult("W1F", string.Concat(runners.Select(r => IofXml.Person(r.Given, r.Family, r.Club, r.Time)))), "Complete")
            .Replace("2026-05-02T12:00:00-07:00", createTime, StringComparison.Ordinal);

    public void Dispose()
    {
        Meet.Dispose();
        TempDir.Delete(Inbox);
    }
}
