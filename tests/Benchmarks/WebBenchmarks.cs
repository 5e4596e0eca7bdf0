using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Edge.Simulator;
using Edge.Tests.Support;

/// <summary>Phones at the venue: page throughput while reads arrive, and how fast a finish reaches live pages.</summary>
internal static partial class WebBenchmarks
{
    private const int Runners = 10_000;

    /// <summary>
    /// A 10,000-runner meet fed 1,000 reads/s by the simulator while wrk asks for the race results page (gzip) with
    /// 100 connections for 20 s. Target: at least 5,000 requests/s, p99 at most 50 ms. In an envelope (<c>./bench
    /// pi</c>) <paramref name="prepare"/> puts the box in it, fed <paramref name="readsPerSecond"/>, against the target given.
    /// </summary>
    public static async Task<(double RequestsPerSecond, double P99Ms, SteadyLoad.Result Steady)> Pages(
        Action<ProcessBox>? prepare = null, int readsPerSecond = 1000, string target = ">= 5,000 req/s, p99 <= 50 ms", int steadyPerSecond = 5000)
    {
        var meetDir = TempDir.Create("bench-pages-meet");
        var dataDir = TempDir.Create("bench-pages-data");
        WriteMeet(meetDir);
        using var box = new ProcessBox(dataDir, $"--Edge:MeetDir={meetDir}", "--Logging:LogLevel:Default=Warning");
        prepare?.Invoke(box);
        await box.StartAsync();
        var race = GeneratedRace.Generate(new RaceOptions { Participants = Runners, Locations = ["start", "5k", "finish"] });
        using var cts = new CancellationTokenSource();
        var feed = new Ctp01Client(race, new ClientOptions { Port = box.TimingPort, ReadsPerSecond = readsPerSecond }).RunAsync(cts.Token);
        // Let the field start so the page has a race going on, then measure while the reads keep coming.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var readsBefore = (await box.StatusAsync()).GetProperty("reads").GetInt64();
        var url = $"http://127.0.0.1:{box.HttpPort}/races/10k";
        var size = (await box.Http.GetByteArrayAsync("/races/10k")).Length;
        var clock = Stopwatch.StartNew();
        var output = await RunAsync("wrk", "-t2", "-c100", "-d20s", "--latency", "-H", "Accept-Encoding: gzip", url);
        var elapsed = clock.Elapsed;
        var readsAfter = (await box.StatusAsync()).GetProperty("reads").GetInt64();
        // The target's latency at its rate: phones arriving steadily (open loop), 100 connections, gzip, 20 s.
        var steady = await SteadyLoad.RunAsync(new Uri(url), steadyPerSecond, TimeSpan.FromSeconds(20), 100, ("Accept-Encoding", "gzip"));
        Console.WriteLine($"pages: GET /races/10k at a steady {steadyPerSecond:N0} requests/s (open loop, 100 connections, each timed from when it was due): {steady}");
        // Page weight: each phone page whole (HTML with its inline CSS and JS; nothing else is loaded), uncompressed.
        var weights = new List<string>();
        foreach (var path in (string[])["/", "/races/10k", "/races/10k?gender=F&page=3", "/search?q=a", "/participants/1", "/finishers"])
        {
            weights.Add($"{path} {(await box.Http.GetByteArrayAsync(path)).Length:N0} B");
        }

        await cts.CancelAsync();
        await feed.ContinueWith(_ => { });
        Console.WriteLine(output.TrimEnd());
        var rps = Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value;
        // The latency distribution's line, not a percentage in the thread stats that happens to end in 99%.
        var p99 = Regex.Match(output, @"(?m)^\s*99%\s+(\S+)").Groups[1].Value;
        var errors = Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)").Groups[1].Value;
        Console.WriteLine($"pages: GET /races/10k ({size:N0} bytes before gzip) on a {Runners:N0}-runner meet: {rps} requests/s, p99 {p99}" +
            $"{(errors.Length > 0 ? $", {errors} non-2xx" : "")}; reads stored meanwhile {(readsAfter - readsBefore) / elapsed.TotalSeconds:N0}/s (target {target})");
        Console.WriteLine($"page weight (target <= 50 KB each): {string.Join(", ", weights)}");
        TempDir.Delete(meetDir);
        TempDir.Delete(dataDir);
        return (double.Parse(rps, CultureInfo.InvariantCulture), WrkMilliseconds(p99), steady);
    }

    /// <summary>A wrk latency ("812.00us", "8.34ms", "1.02s", "1.00m") in milliseconds.</summary>
    private static double WrkMilliseconds(string text)
    {
        var unit = Regex.Match(text, "[a-z]+$").Value;
        var value = double.Parse(text[..^unit.Length], CultureInfo.InvariantCulture);
        return unit switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            _ => throw new FormatException($"wrk latency {text}"),
        };
    }

    /// <summary>
    /// 500 phones on live streams, then finish reads over CTP01: from the read leaving the timer's socket to the
    /// event at each client. Two shapes: each phone follows one runner (participant page), and every phone follows
    /// the race (race page; reads 1.5 s apart, one event per read). Target: p99 at most 250 ms.
    /// </summary>
    public static async Task<(double ParticipantP99Ms, double RaceP99Ms)> Sse(Action<ProcessBox>? prepare = null)
    {
        const int clients = 500;
        var meetDir = TempDir.Create("bench-sse-meet");
        var dataDir = TempDir.Create("bench-sse-data");
        WriteMeet(meetDir);
        using var box = new ProcessBox(dataDir, $"--Edge:MeetDir={meetDir}", "--Logging:LogLevel:Default=Warning");
        prepare?.Invoke(box);
        await box.StartAsync();
        using var timer = await TimerConnection.ConnectAsync(box.TimingPort);
        var starts = new List<string> { Line("start", 1, "guntime", "08:00:00.00") };
        for (var bib = 1; bib <= Runners; bib++)
        {
            starts.Add(Line("start", bib + 1, bib.ToString(CultureInfo.InvariantCulture), $"08:0{bib % 3}:{bib % 60:00}.00"));
        }

        await timer.SendAsync(starts);
        while ((await box.StatusAsync()).GetProperty("reads").GetInt64() < Runners)
        {
            await Task.Delay(50);
        }

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 10_000 }) { BaseAddress = new Uri($"http://127.0.0.1:{box.HttpPort}") };
        var finishSequence = 0;

        // Participant pages: phone i follows bib i + 1 and hears at once when that runner finishes.
        var perRunner = await MeasureAsync(http, clients, i => $"/events?bib={i + 1}", async sent =>
        {
            for (var bib = 1; bib <= clients; bib++)
            {
                var seq = ++finishSequence;
                sent[bib.ToString(CultureInfo.InvariantCulture)] = Stopwatch.GetTimestamp();
                await timer.SendAsync([Line("finish", seq, bib.ToString(CultureInfo.InvariantCulture), FinishTime(seq))]);
                await Task.Delay(20);
            }
        }, (client, bib) => bib == (client + 1).ToString(CultureInfo.InvariantCulture));
        var participantP99 = Report($"sse: {clients} participant streams, {clients} finish reads at 50/s, each to its runner's phone", perRunner, clients);

        // Race pages: every phone follows the race; each finish reaches all of them.
        const int reads = 10;
        var perRace = await MeasureAsync(http, clients, _ => "/events?race=10k", async sent =>
        {
            for (var k = 0; k < reads; k++)
            {
                var seq = ++finishSequence;
                var bib = (clients + 1 + k).ToString(CultureInfo.InvariantCulture);
                sent[bib] = Stopwatch.GetTimestamp();
                await timer.SendAsync([Line("finish", seq, bib, FinishTime(seq))]);
                await Task.Delay(1500);
            }
        }, (_, bib) => int.Parse(bib, CultureInfo.InvariantCulture) > clients);
        var raceP99 = Report($"sse: {clients} race streams, {reads} finish reads 1.5 s apart, each to every phone", perRace, clients * reads);
        TempDir.Delete(meetDir);
        TempDir.Delete(dataDir);
        return (participantP99, raceP99);
    }

    /// <summary>
    /// Finish-area screens and phones together: a 10,000-runner meet fed 1,000 reads/s by the simulator (bibs
    /// 1..8,000), 200 screens (displays.json: 80 finish feeds, 60 leaderboards, 50 on-course lists, 10 announcers)
    /// on their own streams, and 500 phones on the race page doing what its script does (on a change event, fetch
    /// the fragment with If-None-Match, one fetch at a time). Then 50 finish reads over CTP01 (bibs 8,001..) 100 ms
    /// apart: a screen's update is timed from the read leaving the timer's socket to the first event whose fragment
    /// shows that runner (finish feeds and announcers show every new finisher); a phone's, to the end of the first
    /// fetch after the change event that named the runner. Then each display page's weight.
    /// Target: update p99 at most 250 ms, pages at most 50 KB.
    /// </summary>
    public static async Task Displays()
    {
        (string Template, string Layout, int Screens)[] kinds = [("finish", "finish", 80), ("leaders", "leaderboard", 60), ("oncourse", "onCourse", 50), ("announcer", "announcer", 10)];
        const int phones = 500;
        const int marked = 50;
        var meetDir = TempDir.Create("bench-displays-meet");
        var dataDir = TempDir.Create("bench-displays-data");
        WriteMeet(meetDir);
        var screens = kinds.SelectMany(k => Enumerable.Range(0, k.Screens).Select(i => (Id: $"{k.Template}{i}", k.Template))).ToList();
        File.WriteAllText(Path.Combine(meetDir, "displays.json"), JsonSerializer.Serialize(new
        {
            templates = kinds.Select(k => new { id = k.Template, name = k.Template, layout = k.Layout, races = new[] { "10k" } }),
            displays = screens.Select(d => new { id = d.Id, name = d.Id, template = d.Template }),
        }));
        using var box = new ProcessBox(dataDir, $"--Edge:MeetDir={meetDir}", "--Logging:LogLevel:Default=Warning");
        await box.StartAsync();
        var race = GeneratedRace.Generate(new RaceOptions { Participants = 8_000, Locations = ["start", "5k", "finish"] });
        using var cts = new CancellationTokenSource();
        var feed = new Ctp01Client(race, new ClientOptions { Port = box.TimingPort, ReadsPerSecond = 1000 }).RunAsync(cts.Token);
        await Task.Delay(TimeSpan.FromSeconds(5));
        using var timer = await TimerConnection.ConnectAsync(box.TimingPort);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 10_000, AutomaticDecompression = System.Net.DecompressionMethods.GZip })
        { BaseAddress = new Uri($"http://127.0.0.1:{box.HttpPort}") };
        var readsBefore = (await box.StatusAsync()).GetProperty("reads").GetInt64();
        var clock = Stopwatch.StartNew();
        var sent = new ConcurrentDictionary<string, long>();
        var screenPages = screens.Select(d => new ScreenPage($"/d/{d.Id}/events", d.Template)).ToList();
        var phonePages = Enumerable.Range(0, phones).Select(_ => new PhonePage("/events?race=10k", "/races/10k?fragment=1")).ToList();
        using var stop = new CancellationTokenSource();
        var running = screenPages.Select(c => Task.Run(() => c.RunAsync(http, sent, stop.Token)))
            .Concat(phonePages.Select(c => Task.Run(() => c.RunAsync(http, sent, stop.Token)))).ToList();
        while (screenPages.Any(c => !c.Open) || phonePages.Any(c => !c.Open))
        {
            if (running.FirstOrDefault(r => r.IsFaulted) is { } failed)
            {
                throw new InvalidOperationException("a stream failed to open", failed.Exception);
            }

            await Task.Delay(20);
        }

        await Task.Delay(1000);
        var eventsBefore = screenPages.Sum(c => c.Events);
        var bytesBefore = screenPages.Sum(c => c.Bytes);
        var sending = Stopwatch.StartNew();
        for (var k = 0; k < marked; k++)
        {
            var bib = (8_001 + k).ToString(CultureInfo.InvariantCulture);
            sent[bib] = Stopwatch.GetTimestamp();
            // After the simulated race's gun (15:00 UTC): a finish these runners' results show.
            var at = (TimeSpan.FromHours(15) + TimeSpan.FromMinutes(40) + TimeSpan.FromSeconds(k)).ToString(@"hh\:mm\:ss\.ff", CultureInfo.InvariantCulture);
            await timer.SendAsync([Line("finish", k + 1, bib, at)]);
            await Task.Delay(100);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var seconds = sending.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(running.Select(r => r.ContinueWith(_ => { })));
        var readsPerSecond = ((await box.StatusAsync()).GetProperty("reads").GetInt64() - readsBefore) / clock.Elapsed.TotalSeconds;
        foreach (var kind in new[] { "finish", "announcer" })
        {
            var these = screenPages.Where(c => c.Template == kind).ToList();
            Report($"displays: {these.Count} {kind} screens' updates while ingesting {readsPerSecond:N0} reads/s with {screens.Count} screens and {phones} phones, {marked} finish reads",
                [.. these.SelectMany(c => c.Latencies)], these.Count * marked);
        }

        Console.WriteLine($"displays: screen events {(screenPages.Sum(c => c.Events) - eventsBefore) / seconds / screens.Count:F1}/s per screen, " +
            $"{(screenPages.Sum(c => c.Bytes) - bytesBefore) / seconds / screens.Count / 1024:F1} KiB/s per screen (uncompressed) during the finish reads");
        Report($"displays: {phones} race-page phones' updates (change event, then fragment fetched; Web:LiveInterval coalesces them), same run",
            [.. phonePages.SelectMany(c => c.Latencies)], phones * marked);
        Console.WriteLine($"displays: phones made {phonePages.Sum(c => c.Fetches):N0} fragment fetches, {phonePages.Sum(c => c.NotModified):N0} answered 304");
        var weights = new List<string>();
        foreach (var path in (string[])["/d/finish0", "/d/leaders0", "/d/oncourse0", "/d/announcer0"])
        {
            weights.Add($"{path} {(await http.GetByteArrayAsync(path)).Length:N0} B");
        }

        Console.WriteLine($"display weight (target <= 50 KB each): {string.Join(", ", weights)}");
        await cts.CancelAsync();
        await feed.ContinueWith(_ => { });
        TempDir.Delete(meetDir);
        TempDir.Delete(dataDir);
    }

    /// <summary>A screen on its stream: each <c>screen</c> event's fragment, searched for the marked runners.</summary>
    private sealed class ScreenPage(string events, string template)
    {
        private readonly ConcurrentQueue<double> _latencies = new();
        private readonly HashSet<string> _seen = [];

        public string Template { get; } = template;

        public volatile bool Open;

        public int Events;

        public long Bytes;

        public IEnumerable<double> Latencies => _latencies;

        public async Task RunAsync(HttpClient http, ConcurrentDictionary<string, long> sent, CancellationToken stop)
        {
            using var response = await http.GetAsync(events, HttpCompletionOption.ResponseHeadersRead, stop);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
            Open = true;
            var data = new StringBuilder();
            var name = "";
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                Bytes += line.Length + 1;
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(line, 6, line.Length - 6).Append('\n');
                }
                else if (line.Length == 0 && name.Length > 0)
                {
                    if (name == "screen")
                    {
                        var now = Stopwatch.GetTimestamp();
                        Events++;
                        var html = data.ToString();
                        foreach (var (bib, at) in sent)
                        {
                            if (!_seen.Contains(bib) && html.Contains($">{bib}<", StringComparison.Ordinal))
                            {
                                _seen.Add(bib);
                                _latencies.Enqueue(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
                            }
                        }
                    }

                    name = "";
                    data.Clear();
                }
            }
        }
    }

    /// <summary>
    /// A phone page as its script behaves: an event stream, and on each change one fragment fetch at a time (a change
    /// during a fetch fetches again after it), with If-None-Match. A runner named by an event counts once, when the
    /// first fetch started after that event ends.
    /// </summary>
    private sealed class PhonePage(string events, string fragment)
    {
        private readonly ConcurrentQueue<double> _latencies = new();
        private readonly List<string> _waiting = [];
        private readonly HashSet<string> _seen = [];
        private readonly Lock _lock = new();
        private bool _fetching;
        private bool _again;
        private string? _etag;

        public volatile bool Open;

        public IEnumerable<double> Latencies => _latencies;

        public int Fetches;

        public int NotModified;

        public async Task RunAsync(HttpClient http, ConcurrentDictionary<string, long> sent, CancellationToken stop)
        {
            using var response = await http.GetAsync(events, HttpCompletionOption.ResponseHeadersRead, stop);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
            Open = true;
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                using var data = JsonDocument.Parse(line[6..]);
                lock (_lock)
                {
                    foreach (var list in new[] { "bibs", "finished" })
                    {
                        foreach (var item in data.RootElement.GetProperty(list).EnumerateArray())
                        {
                            if (item.GetString() is { } bib && sent.ContainsKey(bib) && _seen.Add(bib))
                            {
                                _waiting.Add(bib);
                            }
                        }
                    }

                    if (_fetching)
                    {
                        _again = true;
                        continue;
                    }

                    _fetching = true;
                }

                _ = FetchAsync(http, sent, stop);
            }
        }

        private async Task FetchAsync(HttpClient http, ConcurrentDictionary<string, long> sent, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                string[] taken;
                lock (_lock)
                {
                    taken = [.. _waiting];
                    _waiting.Clear();
                    _again = false;
                }

                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, fragment);
                    if (_etag is not null)
                    {
                        request.Headers.TryAddWithoutValidation("If-None-Match", _etag);
                    }

                    using var answer = await http.SendAsync(request, stop);
                    if (answer.StatusCode == System.Net.HttpStatusCode.NotModified)
                    {
                        Interlocked.Increment(ref NotModified);
                    }
                    else
                    {
                        await answer.Content.ReadAsByteArrayAsync(stop);
                        _etag = answer.Headers.ETag?.ToString();
                    }

                    var now = Stopwatch.GetTimestamp();
                    Interlocked.Increment(ref Fetches);
                    foreach (var bib in taken)
                    {
                        _latencies.Enqueue(Stopwatch.GetElapsedTime(sent[bib], now).TotalMilliseconds);
                    }
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }

                lock (_lock)
                {
                    if (!_again)
                    {
                        _fetching = false;
                        return;
                    }
                }
            }
        }
    }

    /// <summary>Opens the streams, runs the sender, and returns each (client, bib) latency in milliseconds.</summary>
    private static async Task<List<double>> MeasureAsync(
        HttpClient http, int clients, Func<int, string> path, Func<ConcurrentDictionary<string, long>, Task> send, Func<int, string, bool> counts)
    {
        var sent = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<double>();
        using var stop = new CancellationTokenSource();
        var connected = 0;
        var readers = Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            using var response = await http.GetAsync(path(i), HttpCompletionOption.ResponseHeadersRead, stop.Token);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
            Interlocked.Increment(ref connected);
            var seen = new HashSet<string>();
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                using var data = JsonDocument.Parse(line[6..]);
                foreach (var list in new[] { "bibs", "finished" })
                {
                    foreach (var item in data.RootElement.GetProperty(list).EnumerateArray())
                    {
                        var bib = item.GetString()!;
                        if (counts(i, bib) && sent.TryGetValue(bib, out var at) && seen.Add(bib))
                        {
                            latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
                        }
                    }
                }
            }
        })).ToList();
        while (Volatile.Read(ref connected) < clients)
        {
            if (readers.FirstOrDefault(r => r.IsFaulted) is { } failed)
            {
                throw new InvalidOperationException("a stream failed to open", failed.Exception);
            }

            await Task.Delay(20);
        }

        await Task.Delay(500);
        await send(sent);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { })));
        return [.. latencies];
    }

    /// <summary>Prints the quantiles; returns p99 in milliseconds, or infinity when events are missing (a lost event is later than any).</summary>
    private static double Report(string what, List<double> latencies, int expected)
    {
        latencies.Sort();
        double Q(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        Console.WriteLine($"{what}: {latencies.Count:N0} of {expected:N0} events arrived; read to event p50 {Q(0.5):F1} ms, p99 {Q(0.99):F1} ms, max {Q(1):F1} ms (target p99 <= 250 ms)");
        return latencies.Count < expected ? double.PositiveInfinity : Q(0.99);
    }

    private static string FinishTime(int sequence) =>
        (TimeSpan.FromMinutes(40) + TimeSpan.FromHours(8) + TimeSpan.FromMilliseconds(sequence * 130)).ToString(@"hh\:mm\:ss\.ff", CultureInfo.InvariantCulture);

    private static string Line(string location, int sequence, string tag, string time) =>
        $"CT01_33~{sequence}~{location}~{tag}~2026-05-02T{time}~{(tag == "guntime" ? 0 : 1)}~0F2A38~1";

    /// <summary>The benchmark meet: one 10K (start, 5 km, finish) in UTC on the simulator's race day, bibs 1..10,000.</summary>
    private static void WriteMeet(string dir)
    {
        File.WriteAllText(Path.Combine(dir, "meet.json"), """
            {
              "event": { "name": "Benchmark 10K", "date": "2026-05-02", "timeZone": "UTC" },
              "races": [ { "id": "10k", "name": "10K", "distanceKm": 10, "gun": { "location": "start" },
                "timingPoints": [ { "location": "start", "role": "start" }, { "location": "5k", "role": "split", "km": 5 },
                                  { "location": "finish", "role": "finish", "km": 10 } ],
                "minimumTime": "00:10:00" } ],
              "displays": [
                { "id": "benchfinish0", "kind": "finish", "title": "Finish line" },
                { "id": "benchleaders0", "kind": "leaderboard", "race": "10k", "title": "10K leaders" },
                { "id": "benchoncourse0", "kind": "onCourse", "title": "On course" },
                { "id": "benchannouncer0", "kind": "announcer", "race": "10k", "title": "Announcer" } ]
            }
            """);
        string[] first = ["Alexandra", "Benjamin", "Charlotte", "Dominique", "Emmanuel", "Françoise", "Guillermo", "Henrietta"];
        string[] last = ["Abernathy", "Bartholomew", "Castellanos", "Dubrovnik", "Eriksdóttir", "Fitzgerald", "Gonçalves", "Hollingsworth", "Iwasaki"];
        var csv = new StringBuilder("bib,first_name,last_name,gender,age,race,city,state,team\n");
        for (var i = 1; i <= Runners; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},{first[i % first.Length]},{last[i / first.Length % last.Length]},{(i % 2 == 0 ? "F" : "M")},{16 + i * 7 % 60},10k,Seattle,WA,\n");
        }

        File.WriteAllText(Path.Combine(dir, "participants.csv"), csv.ToString());
    }

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start (Debian package wrk)");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await output + await errors;
    }

    /// <summary>The timer's side of CTP01, just enough to greet the box and send lines.</summary>
    private sealed class TimerConnection : IDisposable
    {
        private readonly TcpClient _tcp;
        private readonly NetworkStream _stream;

        private TimerConnection(TcpClient tcp)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
        }

        public static async Task<TimerConnection> ConnectAsync(int port)
        {
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync("127.0.0.1", port);
            var connection = new TimerConnection(tcp);
            var reader = new StreamReader(connection._stream, Encoding.ASCII);
            await connection.SendAsync(["SimpleClient~0.5.0~CTP01"]);
            var header = await reader.ReadLineAsync() ?? throw new InvalidOperationException("closed before the greeting");
            for (var i = int.Parse(header.Split('~')[2], CultureInfo.InvariantCulture) + 3; i > 0; i--)
            {
                await reader.ReadLineAsync();
            }

            await connection.SendAsync(["ack~getconnectionid~" + Guid.NewGuid().ToString("N"), "ack~geteventinfo~Benchmark~1~x", "ack~getlocations~start~finish"]);
            await reader.ReadLineAsync();
            await reader.ReadLineAsync();
            // Answer the box's pings so a quiet spell between phases does not end the connection.
            _ = Task.Run(async () =>
            {
                try
                {
                    while (await reader.ReadLineAsync() is { } line)
                    {
                        if (line == "ping")
                        {
                            await connection.SendAsync(["ack~ping"]);
                        }
                    }
                }
                catch (IOException)
                {
                }
                catch (ObjectDisposedException)
                {
                }
            });
            return connection;
        }

        private readonly SemaphoreSlim _writing = new(1, 1);

        public async Task SendAsync(IEnumerable<string> lines)
        {
            var bytes = Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + "\r\n")));
            await _writing.WaitAsync();
            try
            {
                await _stream.WriteAsync(bytes);
                await _stream.FlushAsync();
            }
            finally
            {
                _writing.Release();
            }
        }

        public void Dispose() => _tcp.Dispose();
    }
}
