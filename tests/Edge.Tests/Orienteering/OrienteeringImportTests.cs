using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edge.Appliance.Console;
using Edge.Appliance.Orienteering;
using Edge.Store;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Tests.Orienteering;

/// <summary>Result lists into a real box: through the inbox (real files in a temp folder) and the timer's upload, kept in the log.</summary>
public class OrienteeringImportTests
{
    private static readonly string Hostile = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
        <ResultList xmlns="http://www.orienteering.org/datastandard/3.0" status="Complete"><Event><Name>&lol2;</Name></Event></ResultList>
        """;

    [Fact]
    public async Task Both_official_examples_import_through_the_inbox_and_render()
    {
        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, o.Settings());

        o.Drop("ResultList1.xml", File.ReadAllBytes(Repo.Fixture(Path.Combine("iof", "ResultList1.xml"))));
        var classes = await OrienteeringBox.WaitAsync(box, c => OrienteeringBox.HasClass(c, "Men Elite"), "ResultList1");
        Assert.Equal("Example event", classes.GetProperty("event").GetString());
        Assert.Contains("Men Elite", classes.GetProperty("unconfigured").EnumerateArray().Select(e => e.GetString()));
        var rows = await OrienteeringBox.ResultsAsync(box, "Men Elite");
        var first = rows[0];
        Assert.Equal(1, first.GetProperty("position").GetInt32());
        Assert.Equal("George Wood", first.GetProperty("name").GetString());
        Assert.Equal("OC Back and Forth", first.GetProperty("organisation").GetString());
        Assert.Equal("OK", first.GetProperty("status").GetString());
        Assert.Matches(@"^\d+:\d\d:\d\d$", first.GetProperty("time").GetString());
        Assert.Equal(JsonValueKind.Number, first.GetProperty("score").ValueKind);

        var page = await box.Http.GetStringAsync("/o");
        Assert.Contains("Men Elite", page);
        Assert.Contains("not configured in meet.json", page);
        var results = await box.Http.GetStringAsync("/o/classes/Men%20Elite");
        Assert.Contains("George Wood", results);
        Assert.Contains("OC Back and Forth", results);
        var splits = await box.Http.GetStringAsync("/o/classes/Men%20Elite/splits");
        Assert.Contains("George Wood", splits);
        Assert.Contains("Finish", splits);
        Assert.Contains("George Wood", await box.Http.GetStringAsync("/o/search?q=george"));
        Assert.Contains("George Wood", await box.Http.GetStringAsync("/o/search?q=back+and"));

        // The second example (the same createTime, a later file) is the newer export: it replaces the first.
        o.Drop("ResultList2.xml", File.ReadAllBytes(Repo.Fixture(Path.Combine("iof", "ResultList2.xml"))));
        await OrienteeringBox.WaitAsync(box, c => OrienteeringBox.HasClass(c, "Open") && !OrienteeringBox.HasClass(c, "Men Elite"), "ResultList2");
        Assert.Contains("Open", await box.Http.GetStringAsync("/o"));
        Assert.Contains("Open", await box.Http.GetStringAsync("/o/classes/Open"));
    }

    [Fact]
    public async Task A_hostile_file_is_moved_aside_with_its_reason_and_the_last_good_results_stay()
    {
        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, o.Settings());
        o.Drop("good.xml", OrienteeringBox.List("2026-05-02T12:00:00-07:00", ("Ann", "Lee", "Lakeside", 1800)));
        await OrienteeringBox.WaitAsync(box, c => OrienteeringBox.HasClass(c, "W1F"), "the good list");
        var logged = LogRows(box);

        var evil = o.Drop("evil.xml", Hostile);
        var truncated = o.Drop("cut.xml", OrienteeringBox.List("2026-05-02T13:00:00-07:00", ("Bo", "Ek", "Lakeside", 1700))[..300]);
        var rejected = Path.Combine(o.Inbox, "rejected");
        await Until(() => File.Exists(Path.Combine(rejected, "evil.xml.reason.txt")) && File.Exists(Path.Combine(rejected, "cut.xml.reason.txt")), "both moved aside");

        Assert.False(File.Exists(evil));
        Assert.False(File.Exists(truncated));
        Assert.True(File.Exists(Path.Combine(rejected, "evil.xml")));
        Assert.Contains("DOCTYPE", File.ReadAllText(Path.Combine(rejected, "evil.xml.reason.txt")));
        Assert.Contains("truncated", File.ReadAllText(Path.Combine(rejected, "cut.xml.reason.txt")));
        var rows = await OrienteeringBox.ResultsAsync(box, "W1F");
        Assert.Equal(["Ann Lee"], rows.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(logged, LogRows(box));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused_unread_by_the_inbox_and_with_413_by_the_upload()
    {
        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, [.. o.Settings(), "--Edge:MaxResultListBytes=4096"]);
        var big = OrienteeringBox.List("2026-05-02T12:00:00-07:00", [.. Enumerable.Range(0, 40).Select(i => ("Runner", $"No{i}", "Lakeside", 1800.0 + i))]);
        Assert.True(big.Length > 4096);
        o.Drop("big.xml", big);
        var reason = Path.Combine(o.Inbox, "rejected", "big.xml.reason.txt");
        await Until(() => File.Exists(reason), "the big file moved aside");
        Assert.Contains("more than the 4,096", File.ReadAllText(reason));

        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        using var refused = await timer.Http.PostAsync("/api/o/results", Xml(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(0, Count(box));
    }

    [Fact]
    public async Task A_half_written_file_is_not_read_until_it_has_settled()
    {
        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, o.Meet.Setting);
        // The box's own import, and an inbox on a clock the test moves: the settle rule is checked exactly, not by sleeping.
        var clock = new ManualClock();
        var inbox = new OrienteeringInbox(box.Services.GetRequiredService<OrienteeringImport>(),
            Options.Create(new OrienteeringOptions { InboxDir = o.Inbox, InboxSettle = TimeSpan.FromSeconds(2) }), clock, NullLogger<OrienteeringInbox>.Instance);
        var xml = Encoding.UTF8.GetBytes(OrienteeringBox.List("2026-05-02T12:00:00-07:00", ("Ann", "Lee", "Lakeside", 1800)));
        var path = Path.Combine(o.Inbox, "results.xml");
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            // An exporter writing slowly over a share: half now, the rest later.
            await file.WriteAsync(xml.AsMemory(0, xml.Length / 2));
            await file.FlushAsync();
            await inbox.PollAsync(CancellationToken.None);
            clock.Advance(TimeSpan.FromSeconds(1.9));
            await inbox.PollAsync(CancellationToken.None);
            Assert.True(File.Exists(path), "the half-written file was read (and moved aside)");
            Assert.Equal(0, Count(box));

            await file.WriteAsync(xml.AsMemory(xml.Length / 2));
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(1));
        }

        // Changed at 1.9 s: it has to stay unchanged for 2 s from then.
        await inbox.PollAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1.9));
        await inbox.PollAsync(CancellationToken.None);
        Assert.Equal(0, Count(box));
        clock.Advance(TimeSpan.FromSeconds(0.2));
        await inbox.PollAsync(CancellationToken.None);
        Assert.Equal(1, Count(box));
        Assert.Equal(["Ann Lee"], (await OrienteeringBox.ResultsAsync(box, "W1F")).Select(r => r.GetProperty("name").GetString()));
        Assert.False(Directory.Exists(Path.Combine(o.Inbox, "rejected")), "nothing was rejected");
        Assert.True(File.Exists(path), "a good file stays where the exporter put it");

        // Read once: polls after that leave it alone until it changes.
        clock.Advance(TimeSpan.FromSeconds(10));
        await inbox.PollAsync(CancellationToken.None);
        Assert.Equal(1, Count(box));
    }

    /// <summary>A monotonic clock that moves only when told (the inbox measures its settle period with timestamps).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    [Fact]
    public async Task The_newest_createTime_wins_whatever_the_order_files_arrive_in_and_a_rewritten_file_is_read_again()
    {
        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, o.Settings());
        // Time-stamped names: the newer export lands first, an older one after it (a copy from another laptop).
        o.Drop("results-1300.xml", OrienteeringBox.List("2026-05-02T13:00:00-07:00", ("Ann", "Lee", "Lakeside", 1800), ("Bo", "Ek", "Hilltop", 1900)));
        o.Drop("results-1200.xml", OrienteeringBox.List("2026-05-02T12:00:00-07:00", ("Ann", "Lee", "Lakeside", 1800)));
        await Until(() => Count(box) == 2, "both lists stored");
        Assert.Equal(["Ann Lee", "Bo Ek"], (await OrienteeringBox.ResultsAsync(box, "W1F")).Select(r => r.GetProperty("name").GetString()));

        // OE's fixed file name rewritten in place with a newer export.
        o.Drop("results-1200.xml", OrienteeringBox.List("2026-05-02T14:00:00-07:00", ("Cy", "Fox", "Hilltop", 1700), ("Ann", "Lee", "Lakeside", 1800)));
        await Until(async () => (await OrienteeringBox.ResultsAsync(box, "W1F")).Count == 2
            && (await OrienteeringBox.ResultsAsync(box, "W1F"))[0].GetProperty("name").GetString() == "Cy Fox", "the rewritten file");
        var rows = await OrienteeringBox.ResultsAsync(box, "W1F");
        Assert.Equal(100, rows[0].GetProperty("score").GetDouble());
        Assert.Equal("+1:40", rows[1].GetProperty("timeBehind").GetString());
        Assert.Equal(3, Count(box));
    }

    [Fact]
    public async Task Upload_needs_the_timer_and_answers_with_counts_or_the_reason()
    {
        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, o.Meet.Setting);
        var xml = OrienteeringBox.List("2026-05-02T12:00:00-07:00", ("Ann", "Lee", "Lakeside", 1800), ("Bo", "Ek", "Hilltop", 1900));

        using (var anonymous = await box.Http.PostAsync("/api/o/results", Xml(xml)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        using var desk = await timer.PairAsync(ConsoleRoles.Desk);
        using (var refused = await desk.Http.PostAsync("/api/o/results", Xml(xml)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Equal(0, Count(box));
        using var created = await timer.Http.PostAsync("/api/o/results", Xml(xml));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((true, 1, 2), (answer.GetProperty("stored").GetBoolean(), answer.GetProperty("classes").GetInt32(), answer.GetProperty("competitors").GetInt32()));

        // The same bytes again: stored once.
        using var again = await timer.Http.PostAsync("/api/o/results", Xml(xml));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stored").GetBoolean());
        Assert.Equal(1, Count(box));

        using var bad = await timer.Http.PostAsync("/api/o/results", Xml(Hostile));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("DOCTYPE", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(1, Count(box));

        var teams = await box.Http.GetFromJsonAsync<JsonElement>("/api/o/teams/W2T/results");
        var first = teams[0];
        Assert.Equal((1, "Lakeside", 100.0), (first.GetProperty("position").GetInt32(), first.GetProperty("organisation").GetString(), first.GetProperty("score").GetDouble()));
        Assert.Equal("Ann Lee", first.GetProperty("members")[0].GetProperty("name").GetString());
        Assert.Contains("Lakeside", await box.Http.GetStringAsync("/o/teams/W2T"));
        var series = await box.Http.GetFromJsonAsync<JsonElement>("/api/o/series");
        Assert.Equal("WIOL 2026", series.GetProperty("name").GetString());
        Assert.Contains("Ann Lee", await box.Http.GetStringAsync("/o/series"));
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync("/api/o/classes/NOPE/results")).StatusCode);
    }

    [Fact]
    public async Task An_export_that_only_has_a_new_time_stamp_is_not_stored_again_but_one_after_a_delta_is()
    {
        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, o.Meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        (string, string, string, double)[] runners = [("Ann", "Lee", "Lakeside", 1800), ("Bo", "Ek", "Hilltop", 1900)];
        using (var first = await timer.Http.PostAsync("/api/o/results", Xml(OrienteeringBox.List("2026-05-02T12:00:00-07:00", runners))))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        // OE's next export a minute later, results unchanged, its creator written differently: nothing more stored.
        var later = OrienteeringBox.List("2026-05-02T12:01:00-07:00", runners).Replace("creator=\"OE2010\"", "creator = 'OE2010 12.3'", StringComparison.Ordinal);
        using (var same = await timer.Http.PostAsync("/api/o/results", Xml(later)))
        {
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
            var answer = await same.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(answer.GetProperty("stored").GetBoolean());
            Assert.True(answer.GetProperty("shown").GetBoolean());
        }

        Assert.Equal(1, Count(box));

        // A changed result is stored.
        using (var changed = await timer.Http.PostAsync("/api/o/results", Xml(OrienteeringBox.List("2026-05-02T12:02:00-07:00", ("Ann", "Lee", "Lakeside", 1799), ("Bo", "Ek", "Hilltop", 1900)))))
        {
            Assert.Equal(HttpStatusCode.Created, changed.StatusCode);
        }

        // After a Delta, a Complete list with the same results as the one before the Delta is not redundant: it is what shows.
        var delta = IofXml.List(IofXml.ClassResult("W1F", IofXml.Person("Cy", "Fox", "Hilltop", 1700)), "Delta").Replace("2026-05-02T12:00:00-07:00", "2026-05-02T12:03:00-07:00", StringComparison.Ordinal);
        using (var d = await timer.Http.PostAsync("/api/o/results", Xml(delta)))
        {
            Assert.Equal(HttpStatusCode.Created, d.StatusCode);
        }

        Assert.Equal(3, (await OrienteeringBox.ResultsAsync(box, "W1F")).Count);
        using (var reset = await timer.Http.PostAsync("/api/o/results", Xml(OrienteeringBox.List("2026-05-02T12:04:00-07:00", ("Ann", "Lee", "Lakeside", 1799), ("Bo", "Ek", "Hilltop", 1900)))))
        {
            Assert.Equal(HttpStatusCode.Created, reset.StatusCode);
        }

        Assert.Equal(2, (await OrienteeringBox.ResultsAsync(box, "W1F")).Count);
        Assert.Equal(4, Count(box));
    }

    [Fact]
    public async Task The_console_page_imports_a_file_lists_what_is_stored_and_shows_a_refusal()
    {
        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, o.Settings());
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        var xml = Encoding.UTF8.GetBytes(OrienteeringBox.List("2026-05-02T12:00:00-07:00", ("Ann", "Lee", "Lakeside", 1800)));

        // Without the form's token (another site's post) nothing is stored.
        using (var forged = await timer.Http.PostAsync("/admin/orienteering", new MultipartFormDataContent { { new ByteArrayContent(xml), "list", "results.xml" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        Assert.Equal(0, Count(box));
        using var done = await timer.PostFileAsync("/admin/orienteering", "/admin/orienteering", "list", "results.xml", xml, "application/xml");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Contains("Imported", Uri.UnescapeDataString(done.Headers.Location!.OriginalString));
        Assert.Equal(1, Count(box));
        var page = await timer.PageAsync("/admin/orienteering");
        Assert.Contains("console results.xml", page);
        Assert.Contains("(shown)", page);

        using var refused = await timer.PostFileAsync("/admin/orienteering", "/admin/orienteering", "list", "evil.xml", Encoding.UTF8.GetBytes(Hostile));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("DOCTYPE", await refused.Content.ReadAsStringAsync());
        Assert.Equal(1, Count(box));

        o.Drop("evil.xml", Hostile);
        await Until(() => File.Exists(Path.Combine(o.Inbox, "rejected", "evil.xml.reason.txt")), "the inbox refusal");
        Assert.Contains("evil.xml was not imported", await timer.PageAsync("/admin/orienteering"));
    }

    [Fact]
    public async Task A_restart_keeps_the_imported_results_with_accented_names_and_deltas_applied()
    {
        using var o = new OrienteeringBox();
        var dataDir = TempDir.Create("box-keep");
        try
        {
            await using (var box = await TestBox.StartAsync(dataDir, o.Meet.Setting))
            {
                using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
                // OE writes windows-1252: é, ø, Å and € are single bytes that are not UTF-8.
                var complete = OrienteeringBox.List("2026-05-02T12:00:00-07:00", ("Zoë Renée", "Åsbjørnsen", "Orientação €uro", 1800), ("Bo", "Ek", "Hilltop", 1900))
                    .Replace("encoding=\"UTF-8\"", "encoding=\"windows-1252\"", StringComparison.Ordinal);
                using var stored = await timer.Http.PostAsync("/api/o/results", new ByteArrayContent(Encoding.GetEncoding(1252).GetBytes(complete)));
                Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
                // A Delta list: Bo Ek mispunched; the others stay.
                var delta = IofXml.List(IofXml.ClassResult("W1F", IofXml.Person("Bo", "Ek", "Hilltop", 1900, "MissingPunch")), "Delta")
                    .Replace("2026-05-02T12:00:00-07:00", "2026-05-02T12:05:00-07:00", StringComparison.Ordinal);
                using var updated = await timer.Http.PostAsync("/api/o/results", Xml(delta));
                Assert.Equal(HttpStatusCode.Created, updated.StatusCode);
                await AssertResultsAsync(box);
            }

            await using (var box = await TestBox.StartAsync(dataDir, o.Meet.Setting))
            {
                await AssertResultsAsync(box);
                using var reader = EdgeDatabase.OpenReader(dataDir);
                using var command = reader.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM log WHERE kind = 30";
                Assert.Equal(2L, (long)command.ExecuteScalar()!);
            }
        }
        finally
        {
            TempDir.Delete(dataDir);
        }

        static async Task AssertResultsAsync(TestBox box)
        {
            var rows = await OrienteeringBox.ResultsAsync(box, "W1F");
            Assert.Equal("Zoë Renée Åsbjørnsen", rows[0].GetProperty("name").GetString());
            Assert.Equal("Orientação €uro", rows[0].GetProperty("organisation").GetString());
            Assert.Equal(("Bo Ek", "MP"), (rows[1].GetProperty("name").GetString(), rows[1].GetProperty("status").GetString()));
            Assert.Contains("Åsbjørnsen", await box.Http.GetStringAsync("/o/classes/W1F"));
        }
    }

    [Fact]
    public async Task A_stored_list_that_no_longer_reads_is_skipped_at_start_and_the_one_before_it_is_shown()
    {
        using var o = new OrienteeringBox();
        var dataDir = TempDir.Create("box-damaged");
        try
        {
            long newest;
            await using (var box = await TestBox.StartAsync(dataDir, o.Meet.Setting))
            {
                using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
                using var first = await timer.Http.PostAsync("/api/o/results", Xml(OrienteeringBox.List("2026-05-02T12:00:00-07:00", ("Ann", "Lee", "Lakeside", 1800))));
                using var second = await timer.Http.PostAsync("/api/o/results", Xml(OrienteeringBox.List("2026-05-02T13:00:00-07:00", ("Bo", "Ek", "Hilltop", 1900))));
                newest = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("logId").GetInt64();
                Assert.Equal(["Bo Ek"], (await OrienteeringBox.ResultsAsync(box, "W1F")).Select(r => r.GetProperty("name").GetString()));
            }

            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDir, EdgeDatabase.FileName)};Pooling=False"))
            {
                connection.Open();
                using var damage = connection.CreateCommand();
                damage.CommandText = "UPDATE log SET raw = '<ResultList' WHERE id = $id";
                damage.Parameters.AddWithValue("$id", newest);
                Assert.Equal(1, damage.ExecuteNonQuery());
            }

            await using (var box = await TestBox.StartAsync(dataDir, o.Meet.Setting))
            {
                Assert.Equal(["Ann Lee"], (await OrienteeringBox.ResultsAsync(box, "W1F")).Select(r => r.GetProperty("name").GetString()));
            }
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    [Fact]
    public async Task Season_standings_add_up_the_lists_of_earlier_meets_on_the_box_and_the_home_page_links_the_results()
    {
        using var o = new OrienteeringBox();
        var dataDir = TempDir.Create("box-season");
        using var next = TestMeet.Create(OrienteeringBox.MeetJson.Replace("CONSOLE", ConsoleClient.MeetSection, StringComparison.Ordinal)
            .Replace("\"name\": \"WIOL #3\"", "\"id\": \"wiol-4\", \"name\": \"WIOL #4\"", StringComparison.Ordinal), []);
        try
        {
            await using (var box = await TestBox.StartAsync(dataDir, o.Meet.Setting))
            {
                using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
                using var first = await timer.Http.PostAsync("/api/o/results", Xml(OrienteeringBox.List("2026-05-02T12:00:00-07:00", ("Ann", "Lee", "Lakeside", 1800), ("Bo", "Ek", "Hilltop", 1900))));
                Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            }

            await using (var box = await TestBox.StartAsync(dataDir, next.Setting))
            {
                Assert.Contains("href=\"/o\"", await box.Http.GetStringAsync("/"));
                Assert.Equal(0, (await OrienteeringBox.ClassesAsync(box)).GetProperty("classes").GetArrayLength());
                using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
                using var second = await timer.Http.PostAsync("/api/o/results", Xml(OrienteeringBox.List("2026-05-09T12:00:00-07:00", ("Bo", "Ek", "Hilltop", 1700), ("Ann", "Lee", "Lakeside", 1800))));
                Assert.Equal(HttpStatusCode.Created, second.StatusCode);
                var series = await box.Http.GetFromJsonAsync<JsonElement>("/api/o/series");
                var w1f = series.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "W1F").GetProperty("standings");
                // worldcup: Ann 100 + 95, Bo 95 + 100: equal totals share first place.
                Assert.Equal([(1, 195.0), (1, 195.0)], w1f.EnumerateArray().Select(r => (r.GetProperty("position").GetInt32(), r.GetProperty("total").GetDouble())));
                Assert.Contains("WIOL 2026", await box.Http.GetStringAsync("/o/series"));
            }
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    [Fact]
    public async Task A_list_larger_than_one_entry_is_stored_in_parts_and_read_whole_after_a_restart()
    {
        using var o = new OrienteeringBox();
        var dataDir = TempDir.Create("box-parts");
        var runners = Enumerable.Range(0, 6000).Select(i => ("Given" + i, "Fämily" + i, "Club " + (i % 40), 1500.0 + i)).ToArray();
        var xml = OrienteeringBox.List("2026-05-02T12:00:00-07:00", runners);
        Assert.True(xml.Length > 2 * OrienteeringImport.PartChars);
        try
        {
            await using (var box = await TestBox.StartAsync(dataDir, o.Meet.Setting))
            {
                using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
                using var stored = await timer.Http.PostAsync("/api/o/results", Xml(xml));
                Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
                Assert.Equal((xml.Length + OrienteeringImport.PartChars - 1) / OrienteeringImport.PartChars, Count(box));
            }

            await using (var box = await TestBox.StartAsync(dataDir, o.Meet.Setting))
            {
                var rows = await OrienteeringBox.ResultsAsync(box, "W1F");
                Assert.Equal(6000, rows.Count);
                Assert.Equal("Given5999 Fämily5999", rows[^1].GetProperty("name").GetString());
            }
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    [Fact]
    public void A_result_list_entry_is_synced_with_the_timers_entries_and_never_changes_race_results()
    {
        Assert.True(LogKind.ResultList.IsCorrection());
        Assert.False(LogKind.ResultList.ChangesResults());
        Assert.Equal("resultList", LogKind.ResultList.Name());
        Assert.Equal(30, (int)LogKind.ResultList);
    }

    private static StringContent Xml(string xml) => new(xml, new MediaTypeHeaderValue("application/xml"));

    private static long Count(TestBox box)
    {
        using var reader = EdgeDatabase.OpenReader(box.DataDir);
        using var command = reader.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM log WHERE kind = 30";
        return (long)command.ExecuteScalar()!;
    }

    private static List<string> LogRows(TestBox box)
    {
        using var reader = EdgeDatabase.OpenReader(box.DataDir);
        using var command = reader.CreateCommand();
        command.CommandText = "SELECT id || ' ' || kind || ' ' || tag FROM log ORDER BY id";
        using var rows = command.ExecuteReader();
        var list = new List<string>();
        while (rows.Read())
        {
            list.Add(rows.GetString(0));
        }

        return list;
    }

    private static Task Until(Func<bool> condition, string what) => Until(() => Task.FromResult(condition()), what);

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"timed out waiting for {what}");
            await Task.Delay(25);
        }
    }
}
