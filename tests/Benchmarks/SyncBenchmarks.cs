using System.Diagnostics;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;

/// <summary>The sync agent against a local mosquitto: drain rate, memory, idle CPU, pick-up latency, ingest beside it.</summary>
internal static class SyncBenchmarks
{
    /// <summary>Backlogs of 100,000 and 400,000 entries drained to a local broker, confirmed by a consumer, through one transport.</summary>
    public static Task Drain(string transport)
    {
        foreach (var entries in new[] { 100_000, 400_000 })
        {
            var data = TempDir.Create("bench-sync-drain");
            TestLog.Build(data, entries);
            using var broker = MosquittoBroker.Start();
            using var verifier = Subscribe(broker, "bench-drain");
            var clock = Stopwatch.StartNew();
            using var agent = new AgentProcess(data, AgentProcess.For(broker, "bench-box", "--Logging:LogLevel:Default=Warning", AgentProcess.Transport(transport))).Start();
            long peak = 0;
            while (agent.SavedWatermark() < entries)
            {
                peak = Math.Max(peak, Rss(agent));
                Thread.Sleep(2);
            }

            var drained = clock.Elapsed;
            Until(() => verifier.UniqueIds("bench-box") == entries, "the consumer to have every id");
            var report = verifier.Report("bench-box")!;
            Console.WriteLine($"sync-drain ({transport}): {entries:N0} entries (1 in 1,000 a correction) acknowledged in {drained.TotalSeconds:F2} s from agent start " +
                $"= {entries / drained.TotalSeconds:N0} entries/s; consumer: {report.UniqueIds:N0} unique ids, {report.Gaps.Count} gaps, " +
                $"{report.RawDuplicates} duplicates, {report.Messages:N0} messages; agent peak resident {peak / 1048576.0:F1} MiB");
            agent.Dispose();
            TempDir.Delete(data);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Resident memory during and after a 100,000-entry drain with the appliance running a 5,000-runner meet (so the
    /// agent publishes its participants and results snapshots too) and after 10 s idle; CPU used idle; latency of new rows.
    /// </summary>
    public static async Task Memory(string transport)
    {
        const int Entries = 100_000;
        const int Runners = 5_000;
        var data = TempDir.Create("bench-sync-memory");
        TestLog.Build(data, Entries);
        using var meet = TestMeet.Standard(TestMeet.BigRoster(Runners));
        using var box = new ProcessBox(data, meet.Setting, "--Logging:LogLevel:Default=Warning");
        await box.StartAsync();
        using var broker = MosquittoBroker.Start();
        using var verifier = Subscribe(broker, "bench-memory");
        using var agent = new AgentProcess(data, AgentProcess.For(broker, "memory-box", "--Logging:LogLevel:Default=Warning", AgentProcess.Transport(transport),
            $"--Sync:ApplianceUrl=http://127.0.0.1:{box.HttpPort}")).Start();
        // Sampled every 2 ms from the agent's start until both snapshots are out and the agent is idle.
        long peak = 0, peakGc = 0;
        var atPeak = "";
        var drained = TimeSpan.Zero;
        var sampling = Stopwatch.StartNew();
        const string snapshots = "edge/memory-box/results/10k";
        while (!(agent.SavedWatermark() >= Entries && verifier.Messages(snapshots) > 0 && verifier.Messages("edge/memory-box/participants") > 0
            && agent.Status() is { } s && s.GetProperty("pending").GetInt64() == 0 && s.GetProperty("ratePerSecond").GetDouble() == 0))
        {
            var rss = Rss(agent);
            var saved = agent.SavedWatermark();
            if (rss > peak)
            {
                peak = rss;
                atPeak = $"{(saved < Entries ? $"draining, {saved:N0} saved" : "publishing snapshots")}: {Breakdown(agent.Pid)}";
            }

            if (saved >= Entries && drained == TimeSpan.Zero)
            {
                drained = sampling.Elapsed;
            }

            peakGc = Math.Max(peakGc, agent.StatusNumber("gcCommittedBytes"));
            if (sampling.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException($"no idle agent with both snapshots published after 120 s: {agent.Status()}");
            }

            Thread.Sleep(2);
        }

        var atEnd = agent.ResidentBytes();
        var participants = (await box.Http.GetByteArrayAsync("/api/participants")).Length;
        var results = (await box.Http.GetByteArrayAsync("/api/races/10k/results")).Length;
        var cpuBefore = agent.CpuTime();
        Thread.Sleep(TimeSpan.FromSeconds(10));
        var idleCpu = agent.CpuTime() - cpuBefore;
        var afterIdle = agent.ResidentBytes();
        Console.WriteLine($"sync-memory ({transport}): agent resident peak {peak / 1048576.0:F1} MiB ({peak / 1e6:F1} MB) from its start through the {Entries:N0}-entry drain " +
            $"(done in {drained.TotalSeconds:F1} s) and the snapshots after it; {atEnd / 1048576.0:F1} MiB once idle, {afterIdle / 1048576.0:F1} MiB after 10 s idle; " +
            $"CPU used in those 10 s idle: {idleCpu.TotalMilliseconds:F0} ms; GC committed at most {peakGc / 1048576.0:F1} MiB (as the agent's status reported it)");
        Console.WriteLine($"sync-memory ({transport}): snapshots: participants {participants / 1024.0:F0} KiB, results of the 10k {results / 1024.0:F0} KiB ({Runners:N0} runners)");
        Console.WriteLine($"sync-memory ({transport}): at the peak ({atPeak})");
        Console.WriteLine($"sync-memory ({transport}): after idle, of the resident set: {Breakdown(agent.Pid)}");

        // New rows on an idle connection: commit by another process to arrival at the consumer.
        var latencies = new List<double>();
        var commits = new List<double>();
        using (var log = new TestLog(data))
        {
            for (var round = 0; round < 20; round++)
            {
                Thread.Sleep(200);
                var expected = verifier.UniqueIds("memory-box") + 10;
                var commit = Stopwatch.StartNew();
                log.Append(10, correctionEvery: 0);
                commits.Add(commit.Elapsed.TotalMilliseconds);
                var clock = Stopwatch.StartNew();
                while (verifier.UniqueIds("memory-box") < expected)
                {
                    Thread.SpinWait(100);
                    if (clock.Elapsed > TimeSpan.FromSeconds(10))
                    {
                        throw new TimeoutException("new rows did not arrive");
                    }
                }

                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        latencies.Sort();
        commits.Sort();
        Console.WriteLine($"sync-latency ({transport}): 10 new rows committed while the agent is idle reach the consumer median {latencies[10]:F1} ms, max {latencies[^1]:F1} ms after their commit " +
            $"(20 rounds; the commit itself took median {commits[10]:F1} ms, max {commits[^1]:F1} ms)");
        TempDir.Delete(data);
    }

    /// <summary>Appliance ingest (4 simulated controllers, unpaced, 60,000 reads) on a 200,000-entry store, without and with the agent draining it.</summary>
    public static async Task Ingest()
    {
        // Alternating rounds: on two shared cores a single pair of runs says little.
        var rates = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        foreach (var withAgent in new[] { false, true, false, true, false, true })
        {
            var data = TempDir.Create("bench-sync-ingest");
            TestLog.Build(data, 200_000);
            using var box = new ProcessBox(data, "--Logging:LogLevel:Default=Warning");
            await box.StartAsync();
            using var broker = MosquittoBroker.Start();
            // The broker stands in for the cloud: on a box it runs elsewhere and costs the box's CPU nothing.
            // Here it shares the two cores, so it runs at the lowest priority to leave the box's own processes
            // (appliance at nice 0, agent at nice 10) what they would have.
            using (var process = System.Diagnostics.Process.GetProcessById(broker.Pid))
            {
                process.PriorityClass = System.Diagnostics.ProcessPriorityClass.Idle;
            }

            AgentProcess? agent = null;
            if (withAgent)
            {
                agent = new AgentProcess(data, AgentProcess.For(broker, "ingest-box", "--Logging:LogLevel:Default=Warning")).Start();
                Until(() => agent.SavedWatermark() > 0, "the drain to start");
            }

            var (reads, rate, _) = await IngestRun.PushAsync(box, clients: 4, participants: 5000, tag: "bench");
            rates[withAgent].Add(rate);
            var drainedDuring = agent?.SavedWatermark() ?? 0;
            Console.WriteLine($"sync-ingest: {(withAgent ? "with" : "without")} the agent draining a 200,000-entry backlog: {reads:N0} reads stored at {rate:N0} reads/s" +
                (withAgent ? $" (agent had acknowledged {drainedDuring:N0} entries when ingest ended)" : ""));
            agent?.Dispose();
            TempDir.Delete(data);
        }

        double Median(List<double> r) => r.Order().ElementAt(r.Count / 2);
        Console.WriteLine($"sync-ingest: median of 3 rounds: {Median(rates[false]):N0} reads/s without the agent, {Median(rates[true]):N0} reads/s with it draining");
    }

    private static SyncVerifier Subscribe(MosquittoBroker broker, string clientId)
    {
        var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = clientId });
        verifier.Start();
        if (!verifier.WaitSubscribed(TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException("verifier did not subscribe: " + verifier.LastError);
        }

        return verifier;
    }

    /// <summary>Private memory versus mapped files (the runtime's, shared with every .NET process on the box).</summary>
    private static string Breakdown(int pid)
    {
        var fields = File.ReadLines($"/proc/{pid}/status")
            .Where(l => l.StartsWith("RssAnon:", StringComparison.Ordinal) || l.StartsWith("RssFile:", StringComparison.Ordinal) || l.StartsWith("RssShmem:", StringComparison.Ordinal))
            .Select(l => l.Split(':', StringSplitOptions.TrimEntries))
            .ToDictionary(f => f[0], f => long.Parse(f[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0);
        return $"private (anonymous) {fields["RssAnon"]:F1} MiB, JIT code (shared memory) {fields["RssShmem"]:F1} MiB, mapped files {fields["RssFile"]:F1} MiB; " +
            $"largest mapped files: {string.Join(", ", MappedFiles(pid).Take(10).Select(f => $"{f.File} {f.Mib:F1}"))}";
    }

    /// <summary>Resident MiB per mapped file (from /proc/PID/smaps), largest first.</summary>
    private static IEnumerable<(string File, double Mib)> MappedFiles(int pid)
    {
        var perFile = new Dictionary<string, long>();
        string? file = null;
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                file = fields.Length >= 6 && fields[5].StartsWith('/') ? Path.GetFileName(fields[5]) : null;
            }
            else if (file is not null && fields is ["Rss:", var kb, "kB"])
            {
                perFile[file] = perFile.GetValueOrDefault(file) + long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return perFile.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value / 1024.0));
    }

    private static long Rss(AgentProcess agent)
    {
        try
        {
            return agent.ResidentBytes();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            return agent.HasExited ? throw new InvalidOperationException($"the agent exited:\n{agent.Output}") : 0;
        }
    }

    private static void Until(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException($"waited 120 s for {what}");
            }

            Thread.Sleep(10);
        }
    }
}
