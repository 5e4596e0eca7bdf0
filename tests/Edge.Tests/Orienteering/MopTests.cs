using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Edge.Store;
using Edge.Tests.Support;

namespace Edge.Tests.Orienteering;

/// <summary>MeOS's online results protocol into a real box: a scripted MeOS-like client pushing MOPComplete and MOPDiff to POST /mop.</summary>
public class MopTests
{
    private const string Password = "s3cret-mop";

    /// <summary>70 competitors in W1F: two clubs, times 1800 s, 1810 s, ...; number 5 mispunched, number 9 did not start.</summary>
    private static readonly Runner[] Field = [.. Enumerable.Range(1, 70).Select(i => new Runner(i, $"Given{i}", $"Family{i}", i % 2 == 0 ? 2 : 1,
        i == 5 ? 3 : i == 9 ? 20 : 1, i == 9 ? 0 : (1800 + 10 * i) * 10))];

    private static string[] Settings(TestMeet meet) => [meet.Setting, "--Edge:MopCompetition=42", $"--Edge:MopPassword={Password}"];

    [Fact]
    public async Task A_pushed_competition_and_its_diffs_show_the_results_the_same_competition_as_an_iof_file_shows()
    {
        var afterDiff = Field.Select(r => r.Id switch
        {
            1 => r with { Stat = 3 },            // the winner mispunched after all
            70 => r with { Rt = 1000 * 10 },     // the last one's time corrected: now the winner
            _ => r,
        }).ToArray();

        List<JsonElement> pushed;
        using (var o = new OrienteeringBox())
        {
            await using var box = await TestBox.StartAsync(null, Settings(o.Meet));
            var chunks = Meos.Complete(Field);
            Assert.Equal(2, chunks.Count); // 74 items: a MOPComplete of 64, then a MOPDiff
            foreach (var chunk in chunks)
            {
                Assert.True(Encoding.UTF8.GetByteCount(chunk) > 1024);
                Assert.Equal("OK", await Meos.PushAsync(box, chunk));
            }

            Assert.Equal(70, (await OrienteeringBox.ResultsAsync(box, "W1F")).Count);
            Assert.Equal("OK", await Meos.PushAsync(box, Meos.Diff(afterDiff[0], afterDiff[69])));
            pushed = await OrienteeringBox.ResultsAsync(box, "W1F");
            var classes = await OrienteeringBox.ClassesAsync(box);
            Assert.Equal("MOP Cup", classes.GetProperty("event").GetString());
        }

        List<JsonElement> imported;
        using (var o = new OrienteeringBox())
        {
            await using var box = await TestBox.StartAsync(null, o.Meet.Setting);
            using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
            var file = IofXml.List(IofXml.ClassResult("W1F", string.Concat(afterDiff.Select(r =>
                IofXml.Person(r.Given, r.Family, Club(r.Org), r.Rt > 0 ? r.Rt / 10.0 : null, r.Stat switch { 1 => "OK", 3 => "MissingPunch", _ => "DidNotStart" })))));
            using var stored = await timer.Http.PostAsync("/api/o/results", new StringContent(file, new MediaTypeHeaderValue("application/xml")));
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
            imported = await OrienteeringBox.ResultsAsync(box, "W1F");
        }

        Assert.Equal(Rows(imported), Rows(pushed));
        var first = pushed[0];
        Assert.Equal((1, "Given70 Family70", "Hilltop", "OK", 100.0), (first.GetProperty("position").GetInt32(), first.GetProperty("name").GetString(),
            first.GetProperty("organisation").GetString(), first.GetProperty("status").GetString(), first.GetProperty("score").GetDouble()));
        Assert.Contains(pushed, r => r.GetProperty("name").GetString() == "Given1 Family1" && r.GetProperty("status").GetString() == "MP");
        Assert.Contains(pushed, r => r.GetProperty("name").GetString() == "Given9 Family9" && r.GetProperty("status").GetString() == "DNS");
    }

    [Fact]
    public async Task A_wrong_password_competition_garbage_or_zip_bomb_is_refused_and_changes_nothing_and_a_diff_twice_is_stored_once()
    {
        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, Settings(o.Meet));
        foreach (var chunk in Meos.Complete(Field))
        {
            Assert.Equal("OK", await Meos.PushAsync(box, chunk));
        }

        var before = await OrienteeringBox.ResultsAsync(box, "W1F");
        var logged = Count(box);
        var diff = Meos.Diff(Field[1] with { Stat = 4 });

        Assert.Equal("BADPWD", await Meos.PushAsync(box, diff, password: "guess"));
        Assert.Equal("BADPWD", await Meos.PushAsync(box, diff, password: null));
        Assert.Equal("BADCMP", await Meos.PushAsync(box, diff, competition: "43"));
        Assert.Equal("BADCMP", await Meos.PushAsync(box, diff, competition: null));
        Assert.Equal("ERROR", await Meos.PushAsync(box, "this is not XML"));
        Assert.Equal("ERROR", await Meos.PushAsync(box, """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><MOPDiff xmlns="http://www.melin.nu/mop">&a;</MOPDiff>"""));
        Assert.Equal("ERROR", await Meos.PushAsync(box, """<ResultList xmlns="http://www.orienteering.org/datastandard/3.0"/>"""));
        Assert.Equal("ERROR", await Meos.PushAsync(box, diff.Replace("rt=", "rt=\"x\" old=", StringComparison.Ordinal)));
        // A zip bomb: 32 MiB of one byte, a few KiB zipped, more than Edge:MaxResultListBytes (16 MiB) unpacked.
        using (var bomb = new HttpRequestMessage(HttpMethod.Post, "/mop") { Content = new ByteArrayContent(Meos.Zip(new byte[32 * 1024 * 1024])) })
        {
            Assert.Equal("ERROR", await Meos.SendAsync(box, bomb, "42", Password));
        }

        // Two entries where MeOS sends one.
        using (var two = new HttpRequestMessage(HttpMethod.Post, "/mop") { Content = new ByteArrayContent(Meos.Zip(Encoding.UTF8.GetBytes(diff), Encoding.UTF8.GetBytes(diff))) })
        {
            Assert.Equal("ERROR", await Meos.SendAsync(box, two, "42", Password));
        }

        Assert.Equal(logged, Count(box));
        Assert.Equal(Rows(before), Rows(await OrienteeringBox.ResultsAsync(box, "W1F")));

        // MeOS resends a diff it saw no OK for: the second changes nothing.
        Assert.Equal("OK", await Meos.PushAsync(box, diff));
        var once = await OrienteeringBox.ResultsAsync(box, "W1F");
        Assert.Equal("DNF", once.Single(r => r.GetProperty("name").GetString() == "Given2 Family2").GetProperty("status").GetString());
        Assert.Equal(logged + 1, Count(box));
        Assert.Equal("OK", await Meos.PushAsync(box, diff));
        Assert.Equal(logged + 1, Count(box));
        Assert.Equal(Rows(once), Rows(await OrienteeringBox.ResultsAsync(box, "W1F")));
    }

    [Fact]
    public async Task A_restart_keeps_the_pushed_results_and_the_next_diff_applies_to_them()
    {
        using var o = new OrienteeringBox();
        var dataDir = TempDir.Create("box-mop");
        try
        {
            List<JsonElement> before;
            await using (var box = await TestBox.StartAsync(dataDir, Settings(o.Meet)))
            {
                foreach (var chunk in Meos.Complete(Field))
                {
                    Assert.Equal("OK", await Meos.PushAsync(box, chunk));
                }

                before = await OrienteeringBox.ResultsAsync(box, "W1F");
            }

            await using (var box = await TestBox.StartAsync(dataDir, Settings(o.Meet)))
            {
                Assert.Equal(Rows(before), Rows(await OrienteeringBox.ResultsAsync(box, "W1F")));
                // After the restart MeOS goes on with diffs: one competitor's change, every other competitor kept.
                Assert.Equal("OK", await Meos.PushAsync(box, Meos.Diff(Field[2] with { Rt = 900 * 10 })));
                var after = await OrienteeringBox.ResultsAsync(box, "W1F");
                Assert.Equal(70, after.Count);
                Assert.Equal(("Given3 Family3", "0:15:00"), (after[0].GetProperty("name").GetString(), after[0].GetProperty("time").GetString()));
                Assert.Equal(Rows(before).Where(r => !r.Contains("Given3 ", StringComparison.Ordinal)).Count(), Rows(after).Count(r => !r.Contains("Given3 ", StringComparison.Ordinal)));
            }
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    private static string Club(int org) => org == 1 ? "Lakeside" : "Hilltop";

    /// <summary>What the API shows of a row: position, name, club, status, time, score, time behind.</summary>
    private static List<string> Rows(List<JsonElement> rows) =>
        [.. rows.Select(r => string.Join('|', new[] { "position", "name", "organisation", "status", "time", "score", "timeBehind" }.Select(p => r.GetProperty(p).ToString())))];

    private static long Count(TestBox box)
    {
        using var reader = EdgeDatabase.OpenReader(box.DataDir);
        using var command = reader.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM log WHERE kind = 30";
        return (long)command.ExecuteScalar()!;
    }

    private sealed record Runner(int Id, string Given, string Family, int Org, int Stat, int Rt);

    /// <summary>What MeOS's "Results online" sends: items in chunks of 64, the first chunk of a complete push a MOPComplete, zipped when over 1 KB.</summary>
    private static class Meos
    {
        private const int Chunk = 64;

        public static List<string> Complete(IEnumerable<Runner> runners)
        {
            var items = new List<string>
            {
                """<competition date="2026-05-02" organizer="Cascade OC" homepage="">MOP Cup</competition>""",
                """<cls id="1" ord="10" radio="">W1F</cls>""",
                """<org id="1">Lakeside</org>""",
                """<org id="2">Hilltop</org>""",
            };
            items.AddRange(runners.Select(Cmp));
            return [.. items.Chunk(Chunk).Select((c, i) => Document(i == 0 ? "MOPComplete" : "MOPDiff", c))];
        }

        public static string Diff(params Runner[] runners) => Document("MOPDiff", runners.Select(Cmp));

        private static string Cmp(Runner r) => string.Create(CultureInfo.InvariantCulture,
            $"""<cmp id="{r.Id}"><base org="{r.Org}" cls="1" stat="{r.Stat}" st="{(36000 + r.Id * 60) * 10}" rt="{r.Rt}">{r.Given} {r.Family}</base><input it="0" tstat="1"/></cmp>""");

        private static string Document(string root, IEnumerable<string> items) =>
            $"""<?xml version="1.0" encoding="UTF-8"?>{"\n"}<{root} xmlns="http://www.melin.nu/mop">{"\n"}{string.Join("\n", items)}{"\n"}</{root}>""";

        public static async Task<string> PushAsync(TestBox box, string xml, string? competition = "42", string? password = Password)
        {
            var bytes = Encoding.UTF8.GetBytes(xml);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/mop") { Content = new ByteArrayContent(bytes.Length > 1024 ? Zip(bytes) : bytes) };
            return await SendAsync(box, request, competition, password);
        }

        public static async Task<string> SendAsync(TestBox box, HttpRequestMessage request, string? competition, string? password)
        {
            // MeOS sends each as a header, and leaves out one that is empty.
            if (competition is not null)
            {
                request.Headers.Add("competition", competition);
            }

            if (password is not null)
            {
                request.Headers.Add("pwd", password);
            }

            using var response = await box.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = await response.Content.ReadAsStringAsync();
            var status = System.Text.RegularExpressions.Regex.Match(answer, "^<\\?xml version=\"1.0\"\\?><MOPStatus status=\"([A-Z]+)\"></MOPStatus>$");
            Assert.True(status.Success, answer);
            return status.Groups[1].Value;
        }

        /// <summary>A zip archive with the entries given, as MeOS's zip() writes one.</summary>
        public static byte[] Zip(params byte[][] entries)
        {
            using var output = new MemoryStream();
            using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            {
                for (var i = 0; i < entries.Length; i++)
                {
                    using var stream = zip.CreateEntry($"mop{i}.xml", CompressionLevel.Optimal).Open();
                    stream.Write(entries[i]);
                }
            }

            return output.ToArray();
        }
    }
}
