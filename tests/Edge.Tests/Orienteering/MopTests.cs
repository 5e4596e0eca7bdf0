using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Edge.Appliance.Orienteering;
using Edge.Store;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Edge.Tests.Orienteering;

/// <summary>MeOS's online results protocol into a real box: a scripted MeOS-like client pushing MOPComplete and MOPDiff to POST /mop.</summary>
public class MopTests(ITestOutputHelper output)
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

    /// <summary>The classes of <see cref="Meet2000"/>, as MeOS numbers them.</summary>
    private static readonly (int Id, string Name)[] BigClasses = [(1, "W1F"), (2, "M21"), (3, "W21"), (4, "M35"), (5, "W35"), (6, "M50"), (7, "W50"), (8, "Open")];

    /// <summary>
    /// 2,000 competitors in 8 classes, with bibs and 10 radio times each: most OK (1800 s to 4800 s), some mispunched,
    /// out (DNF), not started (DNS), running, or not yet started.
    /// </summary>
    private static readonly Runner[] Meet2000 = [.. Enumerable.Range(1, 2000).Select(i =>
    {
        var (stat, started) = i % 50 == 0 ? (3, true) : i % 61 == 0 ? (4, true) : i % 97 == 0 ? (20, false) : i % 89 == 0 ? (0, true) : i % 83 == 0 ? (0, false) : (1, true);
        var rt = stat is 1 or 3 or 4 ? (1800 + i * 37 % 3000) * 10 : 0;
        var radio = rt > 0 ? string.Join(';', Enumerable.Range(1, 10).Select(k => string.Create(CultureInfo.InvariantCulture, $"{30 + k},{rt * k / 11}"))) : null;
        return new Runner(i, $"Given{i}", $"Family{i}", 1 + i % 2, stat, rt, 1 + i % 8, i.ToString(CultureInfo.InvariantCulture), radio, started);
    })];

    [Fact]
    public async Task A_2000_competitor_push_in_32_chunks_stores_about_one_list_and_a_diff_of_one_competitor_a_small_delta()
    {
        var changed = Meet2000[1007] with { Rt = 1700 * 10, Radio = "31,1000;32,2000" }; // in W1F, now its winner
        var afterDiff = Meet2000.Select(r => r.Id == changed.Id ? changed : r).ToArray();
        var files = await FileRowsAsync(BigClasses, Meet2000, afterDiff);

        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, Settings(o.Meet));
        var chunks = Meos.Complete(Meet2000, BigClasses);
        Assert.Equal(32, chunks.Count);
        foreach (var chunk in chunks)
        {
            Assert.Equal("OK", await Meos.PushAsync(box, chunk));
        }

        // One full list as the box writes it: the same competition as one MOPComplete.
        var full = MopCompetition.Empty.Apply(XDocument.Parse(Meos.Whole(Meet2000, BigClasses)).Root!).ToIofXml(DateTimeOffset.UtcNow).Length;
        var pushed = Stored(box);
        output.WriteLine($"one full list {full:N0} characters; the push of {chunks.Count} chunks stored {pushed.Entries} entries, {pushed.Chars:N0} characters");
        Assert.True(pushed.Chars < 2 * full, $"{pushed.Chars:N0} characters stored for a list of {full:N0}");
        Assert.Equal(files[0], await ClassRowsAsync(box, BigClasses));

        Assert.Equal("OK", await Meos.PushAsync(box, Meos.Diff(changed)));
        var diffed = Stored(box);
        output.WriteLine($"the diff of one competitor stored {diffed.Entries - pushed.Entries} entry, {diffed.Chars - pushed.Chars:N0} characters");
        Assert.InRange(diffed.Chars - pushed.Chars, 1, 10 * 1024);
        Assert.Equal("Delta", NewestStatus(box));
        Assert.NotEqual(files[0], files[1]);
        Assert.Equal(files[1], await ClassRowsAsync(box, BigClasses));
        // Its new radio times too: two controls, then the finish.
        var winner = (await OrienteeringBox.ResultsAsync(box, "W1F"))[0];
        Assert.Equal(("Given1008 Family1008", "0:28:20", "1008", 3), (winner.GetProperty("name").GetString(), winner.GetProperty("time").GetString(),
            winner.GetProperty("bib").GetString(), winner.GetProperty("splits").GetArrayLength()));

        // The same diff again (MeOS saw no OK): nothing changes, nothing is stored.
        Assert.Equal("OK", await Meos.PushAsync(box, Meos.Diff(changed)));
        Assert.Equal(diffed, Stored(box));
        Assert.Equal(files[1], await ClassRowsAsync(box, BigClasses));
    }

    [Fact]
    public async Task After_a_restart_with_the_clock_stepped_back_a_diff_applies_over_the_restored_push_and_a_delete_rebuilds_it_whole()
    {
        var changed = Meet2000[1500] with { Stat = 3 }; // in M50: OK, now mispunched
        var afterDiff = Meet2000.Select(r => r.Id == changed.Id ? changed : r).ToArray();
        var files = await FileRowsAsync(BigClasses, afterDiff);
        using var o = new OrienteeringBox();
        var dataDir = TempDir.Create("box-mop");
        try
        {
            List<string> before;
            await using (var box = await TestBox.StartAsync(dataDir, Settings(o.Meet)))
            {
                foreach (var chunk in Meos.Complete(Meet2000, BigClasses))
                {
                    Assert.Equal("OK", await Meos.PushAsync(box, chunk));
                }

                before = await FullRowsAsync(box, BigClasses);
            }

            // A Pi without a battery-backed clock starts hours behind: what it stores now must still come after the push.
            var clock = new SteppedClock();
            clock.Step(TimeSpan.FromHours(-3));
            await using (var box = await TestBox.StartWithAsync(services => services.AddSingleton<TimeProvider>(clock), dataDir, Settings(o.Meet)))
            {
                Assert.Equal(before, await FullRowsAsync(box, BigClasses));
                var restored = Stored(box);
                Assert.Equal("OK", await Meos.PushAsync(box, Meos.Diff(changed)));
                Assert.InRange(Stored(box).Chars - restored.Chars, 1, 10 * 1024);
                Assert.Equal("Delta", NewestStatus(box));
                Assert.Equal(files[0], await ClassRowsAsync(box, BigClasses));

                // A competitor deleted needs a Complete list, written from the state taken back from the list shown:
                // every other row (bib, radio times, status) as it was. One not ranked, so that no place moves.
                var rows = await FullRowsAsync(box, BigClasses);
                var gone = Meet2000.First(r => r.Stat == 20);
                Assert.Equal("OK", await Meos.PushAsync(box, Meos.DiffOf($"""<cmp id="{gone.Id}" delete="true"/>""")));
                Assert.Equal("Complete", NewestStatus(box));
                var after = await FullRowsAsync(box, BigClasses);
                Assert.Equal(rows.Count - 1, after.Count);
                Assert.Equal(rows.Where(r => !r.Contains($"\"Given{gone.Id} Family{gone.Id}\"", StringComparison.Ordinal)), after);
            }
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    [Fact]
    public async Task A_diff_over_a_list_imported_from_a_file_updates_and_adds_its_competitors_and_every_other_stays_shown()
    {
        var faster = Field[2] with { Rt = 900 * 10 };
        var late = new Runner(71, "Given71", "Family71", 2, 1, 2500 * 10);
        var expected = (await FileRowsAsync([(1, "W1F")], [.. Field.Select(r => r.Id == 3 ? faster : r), late]))[0];

        // MeOS's own IOF export (MeOS's ids for classes, clubs and competitors), and one from OE (no ids; the diff names the class and clubs).
        foreach (var (file, diff) in new[]
        {
            (MeosExport(Field), Meos.Diff(faster, late)),
            (FileOf(Field, [(1, "W1F")]), Meos.DiffOf(Meos.Cls(1, "W1F"), """<org id="1">Lakeside</org>""", """<org id="2">Hilltop</org>""", Meos.Cmp(faster), Meos.Cmp(late))),
        })
        {
            using var o = new OrienteeringBox();
            await using var box = await TestBox.StartAsync(null, Settings(o.Meet));
            using (var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password))
            {
                using var stored = await timer.Http.PostAsync("/api/o/results", new StringContent(file, new MediaTypeHeaderValue("application/xml")));
                Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
            }

            Assert.Equal(70, (await OrienteeringBox.ResultsAsync(box, "W1F")).Count);
            Assert.Equal("OK", await Meos.PushAsync(box, diff));
            Assert.Equal("Delta", NewestStatus(box));
            var shown = await OrienteeringBox.ResultsAsync(box, "W1F");
            Assert.Equal(("Given3 Family3", "0:15:00"), (shown[0].GetProperty("name").GetString(), shown[0].GetProperty("time").GetString()));
            Assert.Equal(expected, [.. Rows(shown).Select(r => "W1F|" + r)]);

            var count = Stored(box);
            Assert.Equal("OK", await Meos.PushAsync(box, diff));
            Assert.Equal(count, Stored(box));
            Assert.Equal(expected, [.. Rows(await OrienteeringBox.ResultsAsync(box, "W1F")).Select(r => "W1F|" + r)]);
        }
    }

    [Fact]
    public async Task A_competitor_moved_to_another_class_or_deleted_is_stored_as_a_complete_list_and_leaves_the_old_class()
    {
        (int, string)[] classes = [(1, "W1F"), (2, "W2F")];
        var moved = Field[3] with { Cls = 2 };
        var faster = Field[9] with { Rt = 1000 * 10 };
        var final = Field.Select(r => r.Id == moved.Id ? moved : r.Id == faster.Id ? faster : r).Where(r => r.Id != 6).ToArray();
        var expected = (await FileRowsAsync(classes, final))[0];

        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, Settings(o.Meet));
        foreach (var chunk in Meos.Complete(Field, classes))
        {
            Assert.Equal("OK", await Meos.PushAsync(box, chunk));
        }

        Assert.Equal("Delta", NewestStatus(box));
        Assert.Equal("OK", await Meos.PushAsync(box, Meos.Diff(moved)));
        Assert.Equal("Complete", NewestStatus(box));
        Assert.DoesNotContain(await OrienteeringBox.ResultsAsync(box, "W1F"), r => r.GetProperty("name").GetString() == "Given4 Family4");
        Assert.Equal(["Given4 Family4"], (await OrienteeringBox.ResultsAsync(box, "W2F")).Select(r => r.GetProperty("name").GetString()));

        Assert.Equal("OK", await Meos.PushAsync(box, Meos.DiffOf("""<cmp id="6" delete="true"/>""")));
        Assert.Equal("Complete", NewestStatus(box));
        Assert.DoesNotContain(await OrienteeringBox.ResultsAsync(box, "W1F"), r => r.GetProperty("name").GetString() == "Given6 Family6");

        // What a Delta can say is a Delta again.
        Assert.Equal("OK", await Meos.PushAsync(box, Meos.Diff(faster)));
        Assert.Equal("Delta", NewestStatus(box));
        Assert.Equal(expected, await ClassRowsAsync(box, classes));

        // A club renamed: a Delta of every competitor it shows.
        Assert.Equal("OK", await Meos.PushAsync(box, Meos.DiffOf("""<org id="2">Hilltop OK</org>""")));
        Assert.Equal("Delta", NewestStatus(box));
        Assert.Equal(expected.Select(r => r.Replace("|Hilltop|", "|Hilltop OK|", StringComparison.Ordinal)), await ClassRowsAsync(box, classes));
    }

    [Fact]
    public async Task The_deltas_since_the_last_complete_list_never_hold_more_rows_than_the_competition_has_competitors()
    {
        static Runner[] Slower(IEnumerable<Runner> runners) => [.. runners.Select(r => r with { Rt = r.Rt + 100 })];
        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, Settings(o.Meet));
        var field = Field;
        foreach (var chunk in Meos.Complete(field))
        {
            Assert.Equal("OK", await Meos.PushAsync(box, chunk));
        }

        // 70 competitors: a Complete of 60, a Delta of 10. Then diffs of 61, 40, 30 and 1 competitors (each 10 s
        // slower every time): 10 + 61 > 70, a Complete; 40 and 40 + 30 = 70, Deltas; 70 + 1, a Complete.
        var statuses = new List<string> { NewestStatus(box) };
        foreach (var (from, count) in new[] { (0, 61), (0, 40), (40, 30), (5, 1) })
        {
            var changed = Slower(field.Skip(from).Take(count));
            field = [.. field.Select(r => changed.FirstOrDefault(c => c.Id == r.Id) ?? r)];
            Assert.Equal("OK", await Meos.PushAsync(box, Meos.Diff(changed)));
            statuses.Add(NewestStatus(box));
        }

        Assert.Equal(["Delta", "Complete", "Delta", "Delta", "Complete"], statuses);
        Assert.Equal((await FileRowsAsync([(1, "W1F")], field))[0], await ClassRowsAsync(box, [(1, "W1F")]));
    }

    /// <summary>A list as MeOS's IOF export writes it: MeOS's ids for the class, the clubs and the competitors.</summary>
    private static string MeosExport(IEnumerable<Runner> runners) => IofXml.List($"""
          <ClassResult>
            <Class><Id>1</Id><Name>W1F</Name></Class>
        {string.Concat(runners.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"<PersonResult><Person><Id>{r.Id}</Id><Name><Family>{r.Family}</Family><Given>{r.Given}</Given></Name></Person><Organisation><Id>{r.Org}</Id><Name>{Club(r.Org)}</Name></Organisation><Result>{(r.Rt > 0 ? $"<Time>{r.Rt / 10.0}</Time>" : "")}<Status>{r.Status}</Status></Result></PersonResult>\n")))}
          </ClassResult>
        """).Replace("OE2010", "MeOS", StringComparison.Ordinal);

    /// <summary>The competition as an IOF file from elsewhere (no ids): the classes given, each with its competitors by id.</summary>
    private static string FileOf(IEnumerable<Runner> runners, IEnumerable<(int Id, string Name)> classes, string createTime = "2026-05-02T12:00:00-07:00") =>
        IofXml.List(string.Concat(classes.Select(c => IofXml.ClassResult(c.Name, string.Concat(runners.Where(r => r.Cls == c.Id).OrderBy(r => r.Id)
            .Select(r => IofXml.Person(r.Given, r.Family, Club(r.Org), r.Rt > 0 ? r.Rt / 10.0 : null, r.Status)))))))
            .Replace("2026-05-02T12:00:00-07:00", createTime, StringComparison.Ordinal);

    /// <summary>What a box shows of each version of the competition imported as a file, one after the other.</summary>
    private static async Task<List<List<string>>> FileRowsAsync(IReadOnlyList<(int Id, string Name)> classes, params Runner[][] versions)
    {
        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, o.Meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        var shown = new List<List<string>>();
        for (var v = 0; v < versions.Length; v++)
        {
            var file = FileOf(versions[v], classes, string.Create(CultureInfo.InvariantCulture, $"2026-05-02T12:{v:00}:00-07:00"));
            using var stored = await timer.Http.PostAsync("/api/o/results", new StringContent(file, new MediaTypeHeaderValue("application/xml")));
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
            shown.Add(await ClassRowsAsync(box, classes));
        }

        return shown;
    }

    /// <summary><see cref="Rows"/> of every class given, each row after its class.</summary>
    private static async Task<List<string>> ClassRowsAsync(TestBox box, IEnumerable<(int Id, string Name)> classes)
    {
        var rows = new List<string>();
        foreach (var (_, name) in classes)
        {
            rows.AddRange(Rows(await OrienteeringBox.ResultsAsync(box, name)).Select(r => name + "|" + r));
        }

        return rows;
    }

    /// <summary>Every class's rows as the API gives them whole (bib, person id, splits too).</summary>
    private static async Task<List<string>> FullRowsAsync(TestBox box, IEnumerable<(int Id, string Name)> classes)
    {
        var rows = new List<string>();
        foreach (var (_, name) in classes)
        {
            rows.AddRange((await OrienteeringBox.ResultsAsync(box, name)).Select(r => name + "|" + r.GetRawText()));
        }

        return rows;
    }

    /// <summary>The result-list entries in the log: how many, and their characters (column raw) in all.</summary>
    private static (long Entries, long Chars) Stored(TestBox box)
    {
        using var reader = EdgeDatabase.OpenReader(box.DataDir);
        using var command = reader.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(SUM(length(raw)), 0) FROM log WHERE kind = $kind";
        command.Parameters.AddWithValue("$kind", (int)LogKind.ResultList);
        using var rows = command.ExecuteReader();
        Assert.True(rows.Read());
        return (rows.GetInt64(0), rows.GetInt64(1));
    }

    /// <summary>The <c>status</c> of the newest list stored (its first part holds the root element).</summary>
    private static string NewestStatus(TestBox box)
    {
        using var reader = EdgeDatabase.OpenReader(box.DataDir);
        using var command = reader.CreateCommand();
        command.CommandText = "SELECT substr(raw, 1, 1000) FROM log WHERE kind = $kind AND tag LIKE '%/1/%' ORDER BY id DESC LIMIT 1";
        command.Parameters.AddWithValue("$kind", (int)LogKind.ResultList);
        var head = (string)command.ExecuteScalar()!;
        return System.Text.RegularExpressions.Regex.Match(head, "<ResultList [^>]*status=\"(\\w+)\"").Groups[1].Value;
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

    /// <summary>A MeOS competitor: MeOS's status code, running time in tenths, class, bib, radio times (<c>control,tenths;...</c>), started or not.</summary>
    private sealed record Runner(int Id, string Given, string Family, int Org, int Stat, int Rt, int Cls = 1, string? Bib = null, string? Radio = null, bool Started = true)
    {
        /// <summary>The IOF status MeOS's code reads as (MopCompetition.Status).</summary>
        public string Status => Stat switch { 1 => "OK", 3 => "MissingPunch", 4 => "DidNotFinish", 20 => "DidNotStart", 0 when Started => "Active", 0 => "Inactive", _ => "?" };
    }

    /// <summary>What MeOS's "Results online" sends: items in chunks of 64, the first chunk of a complete push a MOPComplete, zipped when over 1 KB.</summary>
    private static class Meos
    {
        private const int Chunk = 64;

        public static List<string> Complete(IEnumerable<Runner> runners, IEnumerable<(int Id, string Name)>? classes = null) =>
            [.. Items(runners, classes).Chunk(Chunk).Select((c, i) => Document(i == 0 ? "MOPComplete" : "MOPDiff", c))];

        /// <summary>The same competition as one MOPComplete, not chunked.</summary>
        public static string Whole(IEnumerable<Runner> runners, IEnumerable<(int Id, string Name)>? classes = null) => Document("MOPComplete", Items(runners, classes));

        private static List<string> Items(IEnumerable<Runner> runners, IEnumerable<(int Id, string Name)>? classes)
        {
            var items = new List<string> { """<competition date="2026-05-02" organizer="Cascade OC" homepage="">MOP Cup</competition>""" };
            items.AddRange((classes ?? [(1, "W1F")]).Select(c => Cls(c.Id, c.Name)));
            items.Add("""<org id="1">Lakeside</org>""");
            items.Add("""<org id="2">Hilltop</org>""");
            items.AddRange(runners.Select(Cmp));
            return items;
        }

        public static string Diff(params Runner[] runners) => Document("MOPDiff", runners.Select(Cmp));

        /// <summary>A MOPDiff of the items given as they are (cls, org, cmp with delete="true"...).</summary>
        public static string DiffOf(params string[] items) => Document("MOPDiff", items);

        public static string Cls(int id, string name) => string.Create(CultureInfo.InvariantCulture, $"""<cls id="{id}" ord="{id * 10}" radio="">{name}</cls>""");

        public static string Cmp(Runner r) => string.Create(CultureInfo.InvariantCulture,
            $"""<cmp id="{r.Id}"><base org="{r.Org}" cls="{r.Cls}" stat="{r.Stat}" st="{(r.Started ? (36000 + r.Id % 600 * 60) * 10 : -1)}" rt="{r.Rt}"{(r.Bib is null ? "" : $" bib=\"{r.Bib}\"")}>{r.Given} {r.Family}</base>{(r.Radio is null ? "" : $"<radio>{r.Radio}</radio>")}<input it="0" tstat="1"/></cmp>""");

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
