using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Edge.Cloud.Tests.Support;
using Edge.Store;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Xunit.Abstractions;

namespace Edge.Cloud.Tests.Events;

/// <summary>
/// The whole way, with real processes: a start box, a half-way box and a finish box, each a real appliance fed its own
/// mat's reads over CTP01, their sync agents publishing to mosquitto, two cloud instances landing into PostgreSQL and
/// serving the event; beside them one reference box that received every read. The event's results, from either
/// instance, are the reference box's, field by field, before and after the timer's corrections on the boxes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class EventAcceptanceTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private const string EventId = "lakeside";
    private const string MeetKey = "lakeside-10k-2026";
    private static readonly string[] Mats = ["start", "5k", "finish"];
    private readonly List<string> _dirs = [];

    [Fact]
    public async Task A_start_a_half_way_and_a_finish_box_give_the_results_of_one_box_that_had_every_read()
    {
        var clock = Stopwatch.StartNew();
        var meet = Meet();
        var events = Dir("events");
        CopyMeet(meet.Path, Path.Combine(events, EventId), $$"""
            { "id": "{{EventId}}", "name": "Lakeside 10K (all mats)",
              "boxes": [ { "device": "start-box" }, { "device": "half-box" }, { "device": "finish-box" } ] }
            """);
        // A folder the timer got wrong: reported and skipped, never in the way of the good one.
        CopyMeet(meet.Path, Path.Combine(events, "broken"), """{ "id": "broken", "boxs": [] }""");

        var connection = postgres.Server.ConnectionString(postgres.Server.CreateDatabase("event"));
        using var broker = MosquittoBroker.Start();
        string[] cloudSettings = [$"--Cloud:EventsDir={events}", "--Cloud:EventScanInterval=00:00:00.500", "--Logging:LogLevel:Default=Warning"];
        using var one = new CloudProcess("one", broker, connection, cloudSettings).Start();
        using var two = new CloudProcess("two", broker, connection, cloudSettings).Start();

        string[] devices = ["start-box", "half-box", "finish-box"];
        var boxes = devices.Select(d => new ProcessBox(Dir(d), meet.Setting, "--Logging:LogLevel:Default=Warning") { ApplianceDll = AppliancePath }).ToList();
        using var reference = new ProcessBox(Dir("reference"), meet.Setting, "--Logging:LogLevel:Default=Warning") { ApplianceDll = AppliancePath };
        var agents = new List<AgentProcess>();
        try
        {
            await Task.WhenAll([.. boxes.Select(b => b.StartAsync()), reference.StartAsync()]);
            one.WaitHealthy(TimeSpan.FromSeconds(60));
            two.WaitHealthy(TimeSpan.FromSeconds(60));
            agents.AddRange(devices.Select((device, i) => new AgentProcess(boxes[i].DataDir,
                AgentProcess.For(broker, device, $"--Sync:ApplianceUrl=http://127.0.0.1:{boxes[i].HttpPort}", "--Logging:LogLevel:Default=Warning")).Start()));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: everything started");

            // Each box gets its own mat's reads (and the half-way box, on a mat beside the finish for a while, some
            // finish reads too); the reference box gets every read once.
            var race = Race();
            var forBox = new[]
            {
                race.Where(r => r.Location == "start").ToList(),
                race.Where(r => r.Location == "5k" || (r.Location == "finish" && r.SeenTwice)).ToList(),
                race.Where(r => r.Location == "finish").ToList(),
            };
            var feeds = await Task.WhenAll([.. boxes.Select((box, i) => FeedAsync(box, $"ct-{devices[i]}", forBox[i])), FeedAsync(reference, "ct-reference", race)]);
            for (var i = 0; i < boxes.Count; i++)
            {
                await WaitForReadsAsync(boxes[i], forBox[i]);
            }

            await WaitForReadsAsync(reference, race);
            foreach (var client in feeds.SelectMany(f => f))
            {
                client.Dispose();
            }

            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {race.Count} reads stored, {forBox.Sum(b => b.Count)} on the three boxes");

            foreach (var cloud in new[] { one, two })
            {
                await WaitForSameAsync(reference, cloud, "before corrections");
            }

            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: both instances' event results equal the reference's");

            // What the event says of itself: three boxes read to where they landed, the half-way box's finish reads
            // counted once, the broken folder named.
            using (var status = JsonDocument.Parse(one.Get("api/events")))
            {
                var lakeside = status.RootElement.GetProperty("events").EnumerateArray().Single();
                Assert.Equal(EventId, lakeside.GetProperty("id").GetString());
                Assert.Equal(race.Count(r => r.Location == "finish" && r.SeenTwice), lakeside.GetProperty("sameReads").GetInt64());
                Assert.All(lakeside.GetProperty("boxes").EnumerateArray(), b => Assert.Equal(b.GetProperty("landedTo").GetInt64(), b.GetProperty("readTo").GetInt64()));
                var problem = status.RootElement.GetProperty("problems").EnumerateArray().Single();
                Assert.Contains("unknown field 'boxs'; did you mean 'boxes'?", problem.GetProperty("problem").GetString(), StringComparison.Ordinal);
            }

            // The phone pages from the cloud, with splits.
            var runner = race.First(r => r.Location == "5k").Bib;
            var page = one.Get($"e/{EventId}/participants/{runner}");
            Assert.Contains("<h2>Splits</h2>", page, StringComparison.Ordinal);
            Assert.Contains($"href=\"/e/{EventId}/races/10k", page, StringComparison.Ordinal);
            Assert.Contains($"data-events=\"/e/{EventId}/events?bib={runner}", page, StringComparison.Ordinal);
            Assert.Contains("Lakeside 10K", one.Get($"e/{EventId}/"), StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = one.BaseAddress };
            using (var missing = await http.GetAsync("/api/e/elsewhere/races"))
            {
                Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
                Assert.Contains("\"error\":", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using (var missing = await http.GetAsync("/e/elsewhere/races/10k"))
            {
                Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
            }

            // The timer's corrections, each on the box where it was made (and on the reference): a DQ at the finish,
            // a start read undone at the start. The event's live stream says so.
            using var live = await SseReader.OpenAsync(http, $"/e/{EventId}/events?race=10k");
            var winner = JsonDocument.Parse(one.Get($"api/e/{EventId}/races/10k/results")).RootElement[0].GetProperty("bib").GetString()!;
            var twice = race.First(r => r.Location == "start" && race.Count(o => o.Bib == r.Bib && o.Location == "start") == 2 && Finishes(race, r.Bib)).Bib;
            foreach (var box in new[] { boxes[2], reference })
            {
                using var timer = await ConsoleClient.SignInAsync(new Uri($"http://127.0.0.1:{box.HttpPort}"), ConsoleClient.Password);
                await timer.DoAsync("/admin/corrections", "/admin/corrections/dq", ("bib", winner), ("reason", "cut the course"));
            }

            foreach (var box in new[] { boxes[0], reference })
            {
                using var timer = await ConsoleClient.SignInAsync(new Uri($"http://127.0.0.1:{box.HttpPort}"), ConsoleClient.Password);
                await timer.DoAsync("/admin/corrections", "/admin/corrections/void", ("id", LaterStartRead(box, twice).ToString(CultureInfo.InvariantCulture)), ("reason", "warm-up"));
            }

            await live.WaitForAsync(e => e.Event == "change", TimeSpan.FromSeconds(20));
            foreach (var cloud in new[] { one, two })
            {
                await WaitForSameAsync(reference, cloud, "after corrections");
            }

            var results = JsonDocument.Parse(two.Get($"api/e/{EventId}/races/10k/results")).RootElement.EnumerateArray().ToList();
            Assert.Equal("dq", results.Single(r => r.GetProperty("bib").GetString() == winner).GetProperty("status").GetString());
            Assert.NotEqual(winner, results[0].GetProperty("bib").GetString());
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: corrections made on two boxes are in both instances' event results");

            Assert.Empty(one.Errors);
            Assert.Empty(two.Errors);
            Assert.Equal(0, one.Terminate(TimeSpan.FromSeconds(20)));
            Assert.Equal(0, two.Terminate(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            foreach (var agent in agents)
            {
                agent.Dispose();
            }

            foreach (var box in boxes)
            {
                box.Dispose();
            }
        }
    }

    private static string AppliancePath
    {
        get
        {
            var path = typeof(EventAcceptanceTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AppliancePath").Value!;
            return File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException("appliance build not found", path);
        }
    }

    /// <summary>A read as the middleware sends it; <see cref="SeenTwice"/>: also read by the half-way box's mat.</summary>
    private sealed record Read(string Location, string Bib, long AtMs, int Gator, bool SeenTwice = false)
    {
        public string Line(int sequence) => $"CT01_33~{sequence}~{Location}~{Bib}~{Time}~{(Bib == "guntime" ? 0 : 1)}~0F2A3{Array.IndexOf(Mats, Location)}~{Gator}";

        private string Time => DateTimeOffset.FromUnixTimeMilliseconds(AtMs).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ff", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A 10K of 150 (bibs 1-150: start, 5 km, finish) and a 5K of 50 (501-550: start, finish) on one gun, with the
    /// awkward cases: runners never seen, seen at the start only, missing the split, still out; two start reads
    /// (the later one is the chip start); a tie; a tag nobody carries.
    /// </summary>
    private static List<Read> Race()
    {
        var gun = new DateTimeOffset(2026, 5, 2, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var random = new Random(2026);
        var reads = new List<Read> { new("start", "guntime", gun, 1) };
        long Minutes(double from, double to) => (long)((from + random.NextDouble() * (to - from)) * 60_000);
        foreach (var bib in Enumerable.Range(1, 150).Concat(Enumerable.Range(501, 50)))
        {
            if (bib % 23 == 0)
            {
                continue;
            }

            var tag = bib.ToString(CultureInfo.InvariantCulture);
            var gator = 1 + bib % 8;
            var start = gun + 2000 + bib % 60 * 800 + random.Next(100) * 10;
            reads.Add(new Read("start", tag, start, gator));
            if (bib % 17 == 0)
            {
                // Over the start mat twice: the later read is the chip start.
                reads.Add(new Read("start", tag, start + 3210, gator));
            }

            if (bib % 29 == 0)
            {
                continue;
            }

            var tenK = bib < 500;
            if (tenK && bib % 19 != 0)
            {
                reads.Add(new Read("5k", tag, start + Minutes(20, 30), gator));
            }

            if (bib % 13 != 0)
            {
                var finish = start + (tenK ? Minutes(40, 60) : Minutes(18, 30));
                reads.Add(new Read("finish", tag, finish, gator, SeenTwice: bib % 10 == 1));
            }
        }

        // A tie to the hundredth: 2 and 3 cross together.
        var two = reads.Single(r => r.Bib == "2" && r.Location == "finish");
        reads.Remove(reads.Single(r => r.Bib == "3" && r.Location == "finish"));
        reads.Add(two with { Bib = "3", Gator = 4, SeenTwice = false });
        reads.Add(new Read("finish", "77777", gun + Minutes(40, 41), 2, SeenTwice: true));
        return [.. reads.OrderBy(r => r.AtMs).ThenBy(r => r.Bib, StringComparer.Ordinal)];
    }

    private static bool Finishes(List<Read> race, string bib) => race.Any(r => r.Bib == bib && r.Location == "finish");

    /// <summary>
    /// Feeds reads over CTP01 as the mats' controllers would, one connection per mat, in time order. The connections
    /// stay open until the box has stored every line (closed with the box's lines unread, a socket is reset).
    /// </summary>
    private static async Task<List<RawClient>> FeedAsync(ProcessBox box, string connection, List<Read> reads)
    {
        var clients = new List<RawClient>();
        foreach (var mat in reads.GroupBy(r => r.Location))
        {
            var client = await RawClient.ConnectAsync(box.TimingPort);
            clients.Add(client);
            await client.HandshakeAsync($"{connection}-{mat.Key}", mat.Key);
            var sequence = 0;
            await client.SendAsync([.. mat.Select(r => r.Line(++sequence))]);
        }

        return clients;
    }

    /// <summary>Waits until the box has stored the reads (its count leaves out gun reads).</summary>
    private static async Task WaitForReadsAsync(ProcessBox box, List<Read> sent)
    {
        var reads = sent.Count(r => r.Bib != "guntime");
        var clock = Stopwatch.StartNew();
        while ((await box.StatusAsync()).GetProperty("reads").GetInt64() < reads)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"box {box.DataDir} has {(await box.StatusAsync()).GetProperty("reads")} of {reads} reads:\n{await box.Http.GetStringAsync("/api/status")}\n{box.Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the cloud's event answers exactly as the reference box does; fails listing the fields that differ.</summary>
    private async Task WaitForSameAsync(ProcessBox reference, CloudProcess cloud, string when)
    {
        var clock = Stopwatch.StartNew();
        List<string> differences;
        while (true)
        {
            differences = await DifferencesAsync(reference, cloud);
            if (differences.Count == 0)
            {
                output.WriteLine($"{cloud.InstanceId} {when}: the same after {clock.Elapsed.TotalMilliseconds:F0} ms");
                return;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail($"{cloud.InstanceId} {when}: {differences.Count} differences, e.g.\n{string.Join("\n", differences.Take(20))}\n{cloud.Get("api/events")}\n{cloud.Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Every field of the box's JSON API that the event answers differently, as "path: box's vs event's".</summary>
    private static async Task<List<string>> DifferencesAsync(ProcessBox reference, CloudProcess cloud)
    {
        var differences = new List<string>();
        foreach (var path in new[] { "races", "races/10k/results", "races/5k/results", "participants", "unknown-tags" })
        {
            var box = await reference.Http.GetStringAsync($"/api/{path}");
            string merged;
            try
            {
                merged = cloud.Get($"api/e/{EventId}/{path}");
            }
            catch (AggregateException e)
            {
                differences.Add($"{path}: {e.InnerException?.Message}");
                continue;
            }

            Compare(path, JsonDocument.Parse(box).RootElement, JsonDocument.Parse(merged).RootElement, differences);
        }

        return differences;
    }

    private static void Compare(string path, JsonElement box, JsonElement merged, List<string> differences)
    {
        if (box.ValueKind != merged.ValueKind)
        {
            differences.Add($"{path}: {box.GetRawText()} vs {merged.GetRawText()}");
            return;
        }

        switch (box.ValueKind)
        {
            case JsonValueKind.Object:
                var names = box.EnumerateObject().Select(p => p.Name).Union(merged.EnumerateObject().Select(p => p.Name));
                foreach (var name in names)
                {
                    var inBox = box.TryGetProperty(name, out var a);
                    var inMerged = merged.TryGetProperty(name, out var b);
                    if (inBox && inMerged)
                    {
                        Compare($"{path}.{name}", a, b, differences);
                    }
                    else
                    {
                        differences.Add($"{path}.{name}: only in the {(inBox ? "box" : "event")}");
                    }
                }

                break;
            case JsonValueKind.Array:
                var left = box.EnumerateArray().ToList();
                var right = merged.EnumerateArray().ToList();
                if (left.Count != right.Count)
                {
                    differences.Add($"{path}: {left.Count} items vs {right.Count}");
                }

                for (var i = 0; i < Math.Min(left.Count, right.Count); i++)
                {
                    var key = left[i].ValueKind == JsonValueKind.Object && left[i].TryGetProperty("bib", out var bib) ? $"[bib {bib}]" : $"[{i}]";
                    Compare(path + key, left[i], right[i], differences);
                }

                break;
            default:
                if (box.GetRawText() != merged.GetRawText())
                {
                    differences.Add($"{path}: {box.GetRawText()} vs {merged.GetRawText()}");
                }

                break;
        }
    }

    /// <summary>The box's own log id of the later of a runner's two start reads.</summary>
    private static long LaterStartRead(ProcessBox box, string bib)
    {
        using var connection = EdgeDatabase.OpenReader(box.DataDir);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM log WHERE kind = 1 AND location = 'start' AND tag = $tag ORDER BY at_ms DESC LIMIT 1";
        command.Parameters.AddWithValue("$tag", bib);
        return (long)command.ExecuteScalar()!;
    }

    private TestMeet Meet()
    {
        var json = $$"""
            {
              "event": { "id": "{{MeetKey}}", "name": "Lakeside 10K", "date": "2026-05-02", "timeZone": "America/Los_Angeles" },
              {{ConsoleClient.MeetSection}}
              "races": [
                { "id": "10k", "name": "10K", "distanceKm": 10, "gun": { "location": "start" },
                  "timingPoints": [
                    { "location": "start", "role": "start" },
                    { "location": "5k", "role": "split", "km": 5 },
                    { "location": "finish", "role": "finish", "km": 10 } ],
                  "minimumTime": "00:20:00" },
                { "id": "5k", "name": "5K", "distanceKm": 5, "rankBy": "chip", "gun": { "location": "start" },
                  "timingPoints": [ { "location": "start", "role": "start" }, { "location": "finish", "role": "finish", "km": 5 } ],
                  "minimumTime": "00:10:00" }
              ],
              "ageGroups": { "width": 10, "from": 0, "to": 70 },
              "participants": "participants.csv"
            }
            """;
        string[] first = ["Zoë", "Ann", "José", "Bob", "Cara", "Dan", "Eve", "Finn"];
        string[] last = ["Ångström", "Lee", "Núñez", "Stone", "Diaz", "Annis", "Ng", "Ohara"];
        var roster = Enumerable.Range(1, 150).Concat(Enumerable.Range(501, 50)).Select(bib => new[]
        {
            bib.ToString(CultureInfo.InvariantCulture), first[bib % first.Length], last[bib / 8 % last.Length], bib % 3 == 0 ? "F" : "M",
            (18 + bib * 7 % 55).ToString(CultureInfo.InvariantCulture), bib < 500 ? "10k" : "5k", "Seattle", "WA", "",
        });
        var meet = TestMeet.Create(json, roster);
        _dirs.Add(meet.Path);
        return meet;
    }

    private static void CopyMeet(string meet, string folder, string eventJson)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(meet))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(folder, "event.json"), eventJson, new UTF8Encoding(false));
    }

    private string Dir(string name)
    {
        var dir = TempDir.Create("event-" + name);
        _dirs.Add(dir);
        return dir;
    }

    public void Dispose()
    {
        foreach (var dir in _dirs)
        {
            TempDir.Delete(dir);
        }
    }
}
