using System.Globalization;
using System.Text.Json;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Appliance.Web;
using Edge.Cloud.Events;
using Edge.Store;
using Edge.Tests.Support;

namespace Edge.Cloud.Tests.Events;

/// <summary>Many boxes' logs merged into one for the box's results engine: numbering, references, same reads.</summary>
public sealed class EventMergeTests : IDisposable
{
    private readonly TestMeet _folder = TestMeet.Standard();
    private readonly Meet _meet;

    public EventMergeTests() => _meet = MeetLoader.Load(_folder.Path);

    public void Dispose() => _folder.Dispose();

    /// <summary>A race on the standard meet: who crossed which mat when (UTC on the meet's date).</summary>
    private static readonly (string Location, string Tag, string Time)[] Race =
    [
        ("start", "guntime", "08:00:00.00"),
        ("start", "201", "08:00:02.00"), ("start", "104", "08:00:03.00"), ("start", "101", "08:00:04.71"), ("start", "103", "08:00:05.00"),
        ("start", "102", "08:00:06.00"), ("start", "105", "08:00:07.00"), ("start", "101", "08:00:09.10"), ("start", "9999", "08:00:10.00"),
        ("5k", "103", "08:20:00.00"), ("5k", "101", "08:21:40.00"), ("5k", "104", "08:22:00.00"), ("5k", "105", "08:22:30.00"),
        ("finish", "104", "08:23:00.00"), ("finish", "201", "08:25:00.00"), ("finish", "103", "08:40:00.00"), ("finish", "101", "08:42:12.14"),
        ("finish", "105", "08:45:00.00"), ("finish", "104", "08:46:30.55"),
    ];

    [Fact]
    public void Three_boxes_each_at_its_own_mat_give_the_results_of_one_box_that_had_every_read_and_correction()
    {
        // The single box: every read in the order they came, then the timer's corrections.
        var single = new List<LandedEntry>();
        foreach (var (location, tag, time) in Race)
        {
            single.Add(Read("single", single.Count + 1, location, tag, time));
        }

        var secondStart = single.Single(e => e.Tag == "101" && e.Location == "start" && e.AtMs == At("08:00:09.10")).Id;
        single.Add(Correction("single", single.Count + 1, LogKind.Dq, "105", """{"reason":"cut the course","by":"timer"}"""));
        single.Add(Correction("single", single.Count + 1, LogKind.Void, "101", $$"""{"voids":"{{secondStart}}","what":"read","by":"timer"}"""));

        // Three boxes, each with its own mat's reads and its own numbers; the corrections made where they were.
        var boxes = new Dictionary<string, List<LandedEntry>> { ["start"] = [], ["5k"] = [], ["finish"] = [] };
        foreach (var (location, tag, time) in Race)
        {
            var log = boxes[location];
            log.Add(Read($"{location}-box", log.Count + 1, location, tag, time));
        }

        var startBox = boxes["start"];
        var voided = startBox.Single(e => e.Tag == "101" && e.AtMs == At("08:00:09.10")).Id;
        boxes["finish"].Add(Correction("finish-box", boxes["finish"].Count + 1, LogKind.Dq, "105", """{"reason":"cut the course","by":"timer"}"""));
        startBox.Add(Correction("start-box", startBox.Count + 1, LogKind.Void, "101", $$"""{"voids":"{{voided}}","what":"read","by":"timer"}"""));

        // Merged in an order that interleaves the boxes (the cloud's landing order), each box in its own order.
        var merged = Interleave(boxes["finish"], boxes["5k"], startBox);
        var expected = Results(single);
        var actual = Results(merged);

        Assert.Equal(Json(expected), Json(actual));
        Assert.Equal(ParticipantStatus.Dq, actual.ByBib["105"].Status);
        Assert.Equal(At("08:00:04.71"), actual.ByBib["101"].ChipStartMs);
        Assert.Single(actual.ByBib["101"].Splits);
        Assert.Equal(expected.UnknownTags.Select(u => (u.Tag, u.Reads)), actual.UnknownTags.Select(u => (u.Tag, u.Reads)));
    }

    [Fact]
    public void Any_interleaving_of_the_boxes_gives_the_same_results()
    {
        var boxes = new Dictionary<string, List<LandedEntry>> { ["start"] = [], ["5k"] = [], ["finish"] = [] };
        foreach (var (location, tag, time) in Race)
        {
            var log = boxes[location];
            log.Add(Read($"{location}-box", log.Count + 1, location, tag, time));
        }

        var expected = Json(Results([.. boxes["start"], .. boxes["5k"], .. boxes["finish"]]));
        var random = new Random(7);
        for (var round = 0; round < 20; round++)
        {
            var queues = boxes.Values.Select(l => new Queue<LandedEntry>(l)).ToList();
            var order = new List<LandedEntry>();
            while (queues.Any(q => q.Count > 0))
            {
                var pick = queues.Where(q => q.Count > 0).ElementAt(random.Next(queues.Count(q => q.Count > 0)));
                order.Add(pick.Dequeue());
            }

            Assert.Equal(expected, Json(Results(order)));
        }
    }

    [Fact]
    public void The_same_read_from_two_boxes_on_one_mat_counts_once_and_a_void_from_either_box_cancels_it()
    {
        var merge = new EventMerge();
        var into = new List<EngineEntry>();
        merge.Take([Read("finish-a", 1, "finish", "9999", "08:40:00.00"), Read("finish-a", 2, "finish", "103", "08:40:00.00")], into);
        merge.Take([Read("finish-b", 1, "finish", "103", "08:40:00.00"), Read("finish-b", 2, "finish", "9999", "08:40:00.00"),
            Read("finish-b", 3, "finish", "105", "08:45:00.00")], into);

        Assert.Equal([1L, 2, 3], into.Select(e => e.Id));
        Assert.Equal(2, merge.SameReads);

        // Box b voids its own copy of 103's read (its id 1): the one read the event has (merged 2) is voided.
        merge.Take([Correction("finish-b", 4, LogKind.Void, "103", """{"voids":1}""")], into);
        Assert.Equal("""{"voids":2}""", into[^1].Json);
        Assert.Equal(4, into[^1].Id);
    }

    [Fact]
    public void A_void_names_its_target_by_the_merged_number_as_the_box_wrote_it()
    {
        var merge = new EventMerge();
        var into = new List<EngineEntry>();
        merge.Take([Read("a", 1, "start", "101", "08:00:01.00"), Read("b", 1, "finish", "101", "08:40:00.00"), Read("a", 2, "start", "102", "08:00:02.00")], into);
        merge.Take([Correction("a", 3, LogKind.Void, "102", """{"voids":"2","what":"read","by":"Zoë"}"""), Correction("b", 2, LogKind.Void, "101", """{"voids":1}"""),
            Correction("a", 4, LogKind.Void, "", """{"voids":"3"}""")], into);

        var renumbered = JsonSerializer.Deserialize<JsonElement>(into[3].Json!);
        Assert.Equal(("3", "read", "Zoë"), (renumbered.GetProperty("voids").GetString(), renumbered.GetProperty("what").GetString(), renumbered.GetProperty("by").GetString()));
        Assert.Equal("""{"voids":2}""", into[4].Json);
        // Box a voiding its own void (its id 3, now merged 4).
        Assert.Equal("""{"voids":"4"}""", into[5].Json);
    }

    [Fact]
    public void A_void_of_an_entry_the_event_does_not_have_cancels_nothing()
    {
        var merge = new EventMerge();
        var into = new List<EngineEntry>();
        merge.Take([Read("a", 1, "start", "101", "08:00:01.00"), Correction("a", 5, LogKind.Void, "", """{"voids":"4","by":"timer"}""")], into);

        Assert.Equal("""{"by":"timer"}""", into[^1].Json);
        Assert.Equal(1, merge.VoidsOfNothing);
    }

    [Fact]
    public void Display_designs_and_result_lists_get_no_number()
    {
        var merge = new EventMerge();
        var into = new List<EngineEntry>();
        merge.Take([Correction("a", 1, LogKind.DisplayTemplate, "t1", "{}"), Correction("a", 2, LogKind.ResultList, "x/1/1", "<xml/>"),
            Read("a", 3, "start", "101", "08:00:01.00")], into);

        Assert.Equal([(1L, LogKind.Read)], into.Select(e => (e.Id, e.Kind)));
    }

    private ResultsSnapshot Results(IEnumerable<LandedEntry> entries)
    {
        var engine = new ResultsEngine(_meet);
        var merge = new EventMerge();
        var into = new List<EngineEntry>();
        // In small batches, as the cloud takes them while following.
        foreach (var chunk in entries.Chunk(3))
        {
            into.Clear();
            merge.Take(chunk, into);
            engine.Apply(into);
        }

        return engine.Snapshot;
    }

    /// <summary>Every race's rows as the box's JSON API writes them.</summary>
    private static string Json(ResultsSnapshot snapshot) => JsonSerializer.Serialize(snapshot.Races.Values.OrderBy(r => r.Race.Id, StringComparer.Ordinal)
        .Select(r => r.All.Select(row => ResultsApi.Row(row, ResultFormat.RankedBy(r), snapshot.Meet)).ToList()).ToList());

    private static List<LandedEntry> Interleave(params List<LandedEntry>[] logs)
    {
        var order = new List<LandedEntry>();
        for (var i = 0; order.Count < logs.Sum(l => l.Count); i++)
        {
            order.AddRange(logs.Where(l => i < l.Count).Select(l => l[i]));
        }

        return order;
    }

    private static long At(string time) =>
        DateTimeOffset.Parse($"{TestMeet.Date}T{time}Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    private static LandedEntry Read(string device, long id, string location, string tag, string time) =>
        new(device, 1, id, tag == "guntime" ? LogKind.Gun : LogKind.Read, location, tag, At(time), tag == "guntime" ? 0 : 1, "0F2A38", 1, null, 0);

    private static LandedEntry Correction(string device, long id, LogKind kind, string tag, string json) =>
        new(device, 1, id, kind, "", tag, 0, 0, "", 0, json, 0);
}
