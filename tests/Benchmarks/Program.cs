using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Edge.Appliance.Ingest;
using Edge.Simulator;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;

// Benchmarks print figures; they do not assert. docs/BENCHMARKS.md records the latest run and its command.
var which = args.Length > 0 ? args[0] : "all";
var benchmarks = new Dictionary<string, Func<Task>>
{
    ["parser"] = Parser,
    ["ingest"] = Ingest,
    ["latency"] = Latency,
    ["memory"] = Memory,
    ["rebuild"] = () => ResultsBenchmarks.Rebuild(),
    ["pages"] = () => WebBenchmarks.Pages(),
    ["sse"] = () => WebBenchmarks.Sse(),
    ["displays"] = WebBenchmarks.Displays,
    ["console"] = ConsoleBenchmarks.Weight,
    ["console-ingest"] = ConsoleBenchmarks.Ingest,
    ["sync-drain"] = () => SyncBenchmarks.Drain("mosquitto"),
    ["sync-drain-mqttnet"] = () => SyncBenchmarks.Drain("mqttnet"),
    ["sync-memory"] = () => SyncBenchmarks.Memory("mosquitto"),
    ["sync-memory-mqttnet"] = () => SyncBenchmarks.Memory("mqttnet"),
    ["sync-ingest"] = SyncBenchmarks.Ingest,
    ["cloud"] = CloudBenchmarks.Run,
    ["cloud-results"] = EventBenchmarks.Run,
    ["orienteering-parse"] = OrienteeringBenchmarks.Parse,
    ["orienteering-import"] = OrienteeringBenchmarks.Import,
    ["pi"] = PiBenchmarks.Envelope,
    ["pi-start"] = PiBenchmarks.Starts,
    ["pi-rebuild"] = PiBenchmarks.Rebuild,
    ["pi-pages"] = PiBenchmarks.Pages,
    ["pi-ingest"] = PiBenchmarks.Ingest,
};
if (which != "all" && !benchmarks.ContainsKey(which))
{
    Console.Error.WriteLine($"usage: bench [all|{string.Join('|', benchmarks.Keys)}]");
    return 2;
}

foreach (var (name, run) in benchmarks.Where(b => which == "all" || b.Key == which))
{
    Console.WriteLine($"== {name}");
    await run();
}

return 0;

// Framing + parsing of CT01_33 iso lines on one thread.
static Task Parser()
{
    var race = GeneratedRace.Generate(new RaceOptions { Participants = 20_000 });
    var text = new StringBuilder();
    foreach (var r in race.Timeline.Take(100_000))
    {
        text.Append($"CT01_33~{r.Sequence}~{r.Location}~{r.Tag}~{r.Time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ff}~{r.Lap}~{r.ReaderId}~{r.Gator}\r\n");
    }

    var bytes = Encoding.ASCII.GetBytes(text.ToString());
    var lineCount = Math.Min(100_000, race.Timeline.Count);
    var lines = 0L;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < TimeSpan.FromSeconds(5))
    {
        var buffer = new System.Buffers.ReadOnlySequence<byte>(bytes);
        while (Ctp01Parser.TryReadLine(ref buffer, out var line))
        {
            if (Ctp01Parser.TryParseRead(line.FirstSpan, out _) != RejectReason.None)
            {
                throw new InvalidOperationException("benchmark line did not parse");
            }

            lines++;
        }
    }

    Console.WriteLine($"parser: {lines / clock.Elapsed.TotalSeconds:N0} lines/s on one thread ({lines:N0} lines, {bytes.Length / lineCount} bytes each)");
    return Task.CompletedTask;
}

// Durable ingest over real sockets: 8 simulated middleware clients push unpaced into the appliance process.
static async Task Ingest()
{
    const int clients = 8;
    var dataDir = TempDir.Create("bench-ingest");
    using (var box = new ProcessBox(dataDir, "--Logging:LogLevel:Default=Warning"))
    {
        await box.StartAsync();
        var (reads, rate, elapsed) = await IngestRun.PushAsync(box, clients, participants: 12_500, tag: "", mats: 4, timeout: TimeSpan.FromMinutes(5));
        Console.WriteLine($"ingest: {reads:N0} reads from {clients} clients stored durably (synchronous=FULL) in {elapsed.TotalSeconds:F2} s = {rate:N0} reads/s");
    }

    TempDir.Delete(dataDir);
}

// Arrival-to-commit latency at a race's pace: 2,000 reads/s from 4 clients for 30 s, read from the box's own histogram.
static async Task Latency()
{
    var dataDir = TempDir.Create("bench-latency");
    using var box = new ProcessBox(dataDir, "--Logging:LogLevel:Default=Warning");
    await box.StartAsync();
    var before = Buckets(await box.StatusAsync());
    using var cts = new CancellationTokenSource();
    var runs = Enumerable.Range(0, 4).Select(i => new Ctp01Client(
        GeneratedRace.Generate(new RaceOptions { Participants = 8_000, FirstBib = 1 + i * 8_000, Locations = [$"start{i}", $"finish{i}"], Seed = i + 1 }),
        new ClientOptions { Port = box.TimingPort, ReadsPerSecond = 500 }).RunAsync(cts.Token)).ToList();
    await Task.Delay(TimeSpan.FromSeconds(30));
    var status = await box.StatusAsync();
    await cts.CancelAsync();
    await Task.WhenAll(runs.Select(t => t.ContinueWith(_ => { })));
    var after = Buckets(status);
    var window = after.Zip(before, (a, b) => a - b).ToArray();
    var bounds = status.GetProperty("ingest").GetProperty("commitLatency").GetProperty("boundsMs").EnumerateArray().Select(b => b.GetDouble()).ToArray();
    Console.WriteLine($"latency: {window.Sum():N0} reads at ~2,000 reads/s; arrival to durable commit p50 <= {Quantile(window, bounds, 0.5)} ms, p99 <= {Quantile(window, bounds, 0.99)} ms, p99.9 <= {Quantile(window, bounds, 0.999)} ms (histogram bucket bounds)");
    TempDir.Delete(dataDir);

    static long[] Buckets(JsonElement s) =>
        [.. s.GetProperty("ingest").GetProperty("commitLatency").GetProperty("buckets").EnumerateArray().Select(b => b.GetInt64())];

    static string Quantile(long[] counts, double[] bounds, double q)
    {
        var rank = (long)Math.Ceiling(q * counts.Sum());
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return i < bounds.Length ? bounds[i].ToString() : "inf";
            }
        }

        return "inf";
    }
}

// Resident memory after 1,000,000 stored reads, and start-to-accepting on that database.
static async Task Memory()
{
    var dataDir = TempDir.Create("bench-memory");
    using (var box = new ProcessBox(dataDir, "--Logging:LogLevel:Default=Warning"))
    {
        var startup = await box.StartAsync();
        Console.WriteLine($"startup: empty store, process start to healthy (store open, listener accepting) {startup.TotalMilliseconds:N0} ms");
        // 8 clients x 25,000 runners x 5 mats, unpaced; the connections close just before the figure is taken.
        var (reads, _, _) = await IngestRun.PushAsync(box, clients: 8, participants: 25_000, tag: "", mats: 5, timeout: TimeSpan.FromMinutes(5));
        await Task.Delay(1000);
        var process = (await box.StatusAsync()).GetProperty("process");
        Console.WriteLine($"memory: resident {box.ResidentBytes() / 1048576.0:F1} MiB after {reads:N0} stored reads (8 connections open until just before); " +
            $"GC heap {process.GetProperty("gcHeapBytes").GetInt64() / 1048576.0:F1} MiB, committed {process.GetProperty("gcCommittedBytes").GetInt64() / 1048576.0:F1} MiB");
    }

    using (var again = new ProcessBox(dataDir, "--Logging:LogLevel:Default=Warning"))
    {
        var startup = await again.StartAsync();
        var reads = (await again.StatusAsync()).GetProperty("reads").GetInt64();
        Console.WriteLine($"startup: {reads:N0} reads in store, process start to healthy {startup.TotalMilliseconds:N0} ms; resident {again.ResidentBytes() / 1048576.0:F1} MiB");
    }

    TempDir.Delete(dataDir);
}
