using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Edge.Cloud.Tests.Support;
using Edge.Store;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Npgsql;

/// <summary>
/// One event of many boxes served from the cloud (docs/EVENTS.md): a live read's way from the box to the cloud's
/// event results, and the time an instance takes to rebuild an event of three boxes of 100,000 entries each.
/// </summary>
internal static class EventBenchmarks
{
    private const string MeetKey = "bench-10k";

    public static Task Run()
    {
        using var postgres = PostgresServer.Start();
        Live(postgres);
        Rebuild(postgres);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A real box, its agent, mosquitto, one cloud instance serving the event (poll every 250 ms, the default): 1,000
    /// runners started, then 300 finish reads at 10 a second over CTP01, each timed from the line's sending to the
    /// moment the cloud's <c>/api/e/{id}/races</c> counts it (polled every 10 ms; the pages render from the same snapshot).
    /// </summary>
    private static void Live(PostgresServer postgres)
    {
        const int Runners = 1_000;
        const int Finishes = 300;
        var connection = postgres.ConnectionString(postgres.CreateDatabase("event-live"));
        using var meet = Meet(Runners);
        var events = Events(meet, "bench", ["live-box"]);
        using var broker = MosquittoBroker.Start();
        using var cloud = new CloudProcess("bench-event", broker, connection, $"--Cloud:EventsDir={events}", "--Logging:LogLevel:Default=Warning").Start()
            .WaitHealthy(TimeSpan.FromSeconds(60));
        var data = TempDir.Create("bench-event-box");
        try
        {
            using var box = new ProcessBox(data, meet.Setting, "--Logging:LogLevel:Default=Warning") { ApplianceDll = AppliancePath };
            box.StartAsync().GetAwaiter().GetResult();
            using var agent = new AgentProcess(data, AgentProcess.For(broker, "live-box", $"--Sync:ApplianceUrl=http://127.0.0.1:{box.HttpPort}", "--Logging:LogLevel:Default=Warning")).Start();
            using var timing = RawClient.ConnectAsync(box.TimingPort).GetAwaiter().GetResult();
            timing.HandshakeAsync("bench-ct", "start", "finish").GetAwaiter().GetResult();
            var gun = new DateTime(2026, 5, 2, 8, 0, 0, DateTimeKind.Utc);
            var sequence = new Dictionary<string, int>();
            string Line(string location, string tag, DateTime at) =>
                $"CT01_33~{sequence[location] = sequence.GetValueOrDefault(location) + 1}~{location}~{tag}~{at:yyyy-MM-ddTHH:mm:ss.ff}~{(tag == "guntime" ? 0 : 1)}~0F2A38~1";
            timing.SendAsync([Line("start", "guntime", gun), .. Enumerable.Range(1, Runners).Select(i => Line("start", Bib(i), gun.AddMilliseconds(1000 + i * 20)))])
                .GetAwaiter().GetResult();
            using var http = new HttpClient { BaseAddress = cloud.BaseAddress };
            while (Counts(http).Started < Runners)
            {
                Thread.Sleep(50);
            }

            var sent = new long[Finishes];
            var seen = new long[Finishes];
            using var stop = new CancellationTokenSource();
            var watcher = Task.Run(() =>
            {
                // Every 10 ms: how many have finished; each new count marks the finishes it includes as seen.
                var known = 0;
                while (!stop.IsCancellationRequested && known < Finishes)
                {
                    var finished = Counts(http).Finished;
                    var now = Stopwatch.GetTimestamp();
                    for (; known < Math.Min(finished, Finishes); known++)
                    {
                        seen[known] = now;
                    }

                    Thread.Sleep(10);
                }
            });
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < Finishes; i++)
            {
                var due = TimeSpan.FromMilliseconds(i * 100);
                if (clock.Elapsed < due)
                {
                    Thread.Sleep(due - clock.Elapsed);
                }

                // In bib order one a second apart in race time: each new finisher is one more in the count.
                sent[i] = Stopwatch.GetTimestamp();
                timing.SendAsync(Line("finish", Bib(i + 1), gun.AddMinutes(30).AddSeconds(i))).GetAwaiter().GetResult();
            }

            if (!watcher.Wait(TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException("the finishes did not all reach the cloud's results");
            }

            var latencies = sent.Select((s, i) => Stopwatch.GetElapsedTime(s, seen[i]).TotalMilliseconds).Order().ToList();
            var landing = Scalar(connection, "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM landed_at) * 1000 - received_ms)::bigint FROM log_entries WHERE kind = 'read' AND location = 'finish'");
            Console.WriteLine($"cloud-results-live: {Finishes} finish reads at 10/s into a box of {Runners:N0} runners, CTP01 line to the cloud's event results JSON: " +
                $"p50 {Percentile(latencies, 0.50):F0} ms, p99 {Percentile(latencies, 0.99):F0} ms, max {latencies[^1]:F0} ms " +
                $"(of which box to landed row, p50: {landing} ms; the event looks every 250 ms)");

            foreach (var path in new[] { "/e/bench/races/10k", "/e/bench/participants/17", "/api/e/bench/races/10k/results" })
            {
                var times = new List<double>();
                long bytes = 0;
                for (var i = 0; i < 200; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    bytes = http.GetByteArrayAsync(path).GetAwaiter().GetResult().Length;
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                times.Sort();
                Console.WriteLine($"cloud-results-page: GET {path} ({bytes:N0} bytes) p50 {Percentile(times, 0.5):F2} ms, p99 {Percentile(times, 0.99):F2} ms over 200 requests, one client");
            }

            stop.Cancel();
        }
        finally
        {
            TempDir.Delete(data);
            TempDir.Delete(events);
        }
    }

    /// <summary>
    /// Three boxes' logs of 100,000 entries each (start, half-way, finish mats of a 100,000-runner 10K, 1 in 1,000 a
    /// correction) landed by their agents into one instance; then an instance serving the event starts and replays
    /// all of it from PostgreSQL: the replay as the instance logs it, and from the process's start to its first results.
    /// </summary>
    private static void Rebuild(PostgresServer postgres)
    {
        const int Runners = 100_000;
        const int EntriesPerBox = 100_000;
        string[] devices = ["start-box", "half-box", "finish-box"];
        string[] mats = ["start", "5k", "finish"];
        var connection = postgres.ConnectionString(postgres.CreateDatabase("event-rebuild"));
        using var meet = Meet(Runners);
        var events = Events(meet, "bench", devices);
        var dirs = devices.Select(d => TempDir.Create("bench-event-" + d)).ToList();
        using var broker = MosquittoBroker.Start();
        var agents = new List<AgentProcess>();
        try
        {
            for (var b = 0; b < devices.Length; b++)
            {
                WriteLog(dirs[b], mats[b], b, EntriesPerBox, Runners);
            }

            using (var landing = new CloudProcess("bench-landing", broker, connection, "--Logging:LogLevel:Default=Warning").Start().WaitHealthy(TimeSpan.FromSeconds(60)))
            {
                var clock = Stopwatch.StartNew();
                agents.AddRange(devices.Select((d, i) => new AgentProcess(dirs[i], AgentProcess.For(broker, d, "--Logging:LogLevel:Default=Warning")).Start()));
                while (Scalar(connection, "SELECT coalesce(sum(watermark), 0) FROM boxes") < devices.Length * (long)EntriesPerBox)
                {
                    if (clock.Elapsed > TimeSpan.FromMinutes(10))
                    {
                        throw new TimeoutException("the three logs did not land in 10 minutes");
                    }

                    Thread.Sleep(50);
                }

                Console.WriteLine($"cloud-results-rebuild: {devices.Length} x {EntriesPerBox:N0} entries landed in {clock.Elapsed.TotalSeconds:F1} s");
            }

            for (var run = 1; run <= 2; run++)
            {
                var clock = Stopwatch.StartNew();
                using var cloud = new CloudProcess($"bench-events-{run}", broker, connection, $"--Cloud:EventsDir={events}").Start().WaitHealthy(TimeSpan.FromSeconds(60));
                JsonElement status;
                while (true)
                {
                    status = JsonDocument.Parse(cloud.Get("api/events")).RootElement;
                    if (status.GetProperty("events").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } e && e.GetProperty("ready").GetBoolean())
                    {
                        status = e;
                        break;
                    }

                    if (clock.Elapsed > TimeSpan.FromMinutes(5))
                    {
                        throw new TimeoutException($"the event did not rebuild in 5 minutes: {status}\n{cloud.Output}");
                    }

                    Thread.Sleep(20);
                }

                var wall = clock.Elapsed;
                var finished = JsonDocument.Parse(cloud.Get("api/e/bench/races")).RootElement[0].GetProperty("counts").GetProperty("finished").GetInt32();
                Console.WriteLine($"cloud-results-rebuild, run {run}: {status.GetProperty("rebuildEntries").GetInt64():N0} entries of {devices.Length} boxes, " +
                    $"{Runners:N0} runners ({finished:N0} finished) replayed in {status.GetProperty("rebuildMs").GetInt64():N0} ms; " +
                    $"{wall.TotalSeconds:F1} s from the instance's start to its first results; resident {Posix.ResidentBytes(cloud.Pid) / 1048576.0:F0} MiB after");
            }
        }
        finally
        {
            foreach (var agent in agents)
            {
                agent.Dispose();
            }

            dirs.ForEach(TempDir.Delete);
            TempDir.Delete(events);
        }
    }

    /// <summary>One box's log through the store's own writer: its mat's reads of every runner in turn, 1 in 1,000 a correction.</summary>
    private static void WriteLog(string dataDir, string mat, int box, int entries, int runners)
    {
        using var database = EdgeDatabase.OpenWriter(dataDir);
        using var writer = new LogWriter(database);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        writer.OpenMeet(MeetKey, "Lakeside 10K", "2026-05-02", "UTC", now);
        var controller = writer.OpenSource($"ct-{mat}", "SimpleClient", now).Id;
        var console = writer.OpenSource("edge-console", "edge", now).Id;
        var gun = new DateTimeOffset(2026, 5, 2, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var batch = new List<NewLogEntry>(5_000);
        var stored = new long[5_000];
        long sequence = 0, corrections = 0;
        void Flush()
        {
            writer.Append(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch), stored.AsSpan(0, batch.Count));
            batch.Clear();
        }

        if (box == 0)
        {
            batch.Add(new NewLogEntry(LogKind.Gun, controller, mat, ++sequence, "guntime", gun, 0, "0F2A38", 0, now, "gun"));
        }

        for (var n = batch.Count; n < entries; n++)
        {
            var runner = 1 + n % runners;
            if (n % 1000 == 999)
            {
                batch.Add(new NewLogEntry(n % 2000 == 999 ? LogKind.Dq : LogKind.Dnf, console, "", ++corrections, Bib(runner), 0, 0, "", 0, now, """{"reason":"bench","by":"timer"}"""));
            }
            else
            {
                var at = gun + 1000 + runner * 7L + box * 1_500_000L + runner % 600 * 1000L;
                batch.Add(new NewLogEntry(LogKind.Read, controller, mat, ++sequence, Bib(runner), at, 1, "0F2A38", 1 + runner % 8, now, $"CT01_33~{sequence}~{mat}~{Bib(runner)}"));
            }

            if (batch.Count == stored.Length)
            {
                Flush();
            }
        }

        Flush();
    }

    private static string Bib(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static TestMeet Meet(int runners) =>
        TestMeet.Create(TestMeet.StandardJson(wifi: false).Replace("\"timeZone\": \"UTC\" }", $"\"timeZone\": \"UTC\", \"id\": \"{MeetKey}\" }}", StringComparison.Ordinal),
            TestMeet.BigRoster(runners));

    /// <summary>An events folder with one event of <paramref name="devices"/> on <paramref name="meet"/>.</summary>
    private static string Events(TestMeet meet, string id, string[] devices)
    {
        var events = TempDir.Create("bench-events");
        var folder = Directory.CreateDirectory(Path.Combine(events, id)).FullName;
        foreach (var file in Directory.EnumerateFiles(meet.Path))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(folder, "event.json"),
            $$"""{ "id": "{{id}}", "boxes": [ {{string.Join(", ", devices.Select(d => $$"""{ "device": "{{d}}" }"""))}} ] }""");
        return events;
    }

    private static (int Started, int Finished) Counts(HttpClient http)
    {
        using var races = JsonDocument.Parse(http.GetStringAsync("/api/e/bench/races").GetAwaiter().GetResult());
        var counts = races.RootElement[0].GetProperty("counts");
        return (counts.GetProperty("started").GetInt32() + counts.GetProperty("onCourse").GetInt32() + counts.GetProperty("finished").GetInt32(),
            counts.GetProperty("finished").GetInt32());
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string AppliancePath =>
        Path.GetFullPath(typeof(EventBenchmarks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AppliancePath").Value!);

    private static long Scalar(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
