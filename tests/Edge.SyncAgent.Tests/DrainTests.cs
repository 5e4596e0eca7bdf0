using System.Diagnostics;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;
using Xunit.Abstractions;

namespace Edge.SyncAgent.Tests;

/// <summary>A backlog reaches the consumer exactly once in effect, through broker and agent crashes.</summary>
public sealed class DrainTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = TempDir.Create("sync-drain");

    [Theory]
    [MemberData(nameof(Transports.Both), MemberType = typeof(Transports))]
    public void Backlog_drains_completely_through_ten_broker_kills_and_three_agent_kills(string transport)
    {
        const int Entries = 100_000;
        const int InflightMessages = 4;
        const int BatchItems = 250;
        const string Device = "drain-box";
        var (reads, corrections) = TestLog.Build(_data, Entries, correctionEvery: 997);

        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-drain" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)), "verifier did not subscribe: " + verifier.LastError);
        // A clean broker restart writes the verifier's session to the persistence file, so that every SIGKILLed
        // broker comes back knowing the subscriber and queues for it until it is back.
        broker.Stop();
        broker.Restart();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)), "verifier did not resubscribe");

        string[] settings = AgentProcess.For(broker, Device, $"--Sync:InflightMessages={InflightMessages}", $"--Sync:MaxBatchItems={BatchItems}",
            AgentProcess.Transport(transport));
        var agent = new AgentProcess(_data, settings).Start();
        var clock = Stopwatch.StartNew();
        try
        {
            // Ten broker kills and three agent kills, spread over the drain by progress.
            var plan = "BBBABBBABBBAB";
            for (var i = 0; i < plan.Length; i++)
            {
                var target = (long)Entries * (i + 1) / (plan.Length + 2);
                Poll.Until(() => verifier.UniqueIds(Device) >= target, TimeSpan.FromSeconds(60),
                    () => $"{target} ids at the verifier before interruption {i + 1}; have {verifier.UniqueIds(Device)}; agent: {agent.Output}");
                if (plan[i] == 'B')
                {
                    // A broker that acknowledged a message and dies before passing it on loses it whatever the
                    // publisher does (mosquitto keeps its queues in memory between saves). So the broker dies only
                    // once it has passed on all it acknowledged: the agent is held still with its publishes in
                    // flight, the consumer takes what the broker holds, then the broker is killed and the agent
                    // carries on, its unacknowledged messages to be sent again.
                    Poll.Until(() => verifier.IsSubscribed, TimeSpan.FromSeconds(10), () => "verifier connected");
                    agent.Pause();
                    try
                    {
                        WaitUntilQuiet(verifier, Device);
                        broker.Kill();
                        broker.Restart();
                    }
                    finally
                    {
                        agent.Resume();
                    }
                }
                else
                {
                    agent.Kill();
                    agent.Dispose();
                    agent = new AgentProcess(_data, settings).Start();
                }
            }

            Poll.Until(() => verifier.UniqueIds(Device) >= Entries, TimeSpan.FromSeconds(90),
                () => $"all {Entries} ids; verifier: {verifier.Report(Device)}; agent status: {agent.Status()}");
            var drained = clock.Elapsed;
            Poll.Until(() => agent.SavedWatermark() == Entries, TimeSpan.FromSeconds(10), () => $"watermark {Entries}; status {agent.Status()}");

            var report = verifier.Report(Device)!;
            output.WriteLine($"{transport}: drained {Entries} entries through 10 broker and 3 agent kills in {drained.TotalSeconds:F1} s; {report}");
            Assert.Equal(Entries, report.UniqueIds);
            Assert.Equal(1, report.MinId);
            Assert.Equal(Entries, report.MaxId);
            Assert.Empty(report.Gaps);
            Assert.Equal(0, report.Malformed);
            Assert.Equal(0, report.OrderViolations);
            Assert.Equal(reads, report.Reads);
            Assert.Equal(corrections, report.Corrections);
            Assert.True(corrections > 50, "both topics are exercised");
            // Each interruption repeats at most what was in flight: the window (messages x items).
            Assert.InRange(report.RawDuplicates, 0, 13L * InflightMessages * BatchItems);
            Assert.Equal(11, broker.Starts - 1);
        }
        finally
        {
            agent.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Transports.Both), MemberType = typeof(Transports))]
    public void Rows_appended_while_connected_and_idle_arrive_promptly(string transport)
    {
        const string Device = "live-box";
        TestLog.Build(_data, 1000);
        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-live" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, Device, AgentProcess.Transport(transport))).Start();
        Poll.Until(() => verifier.UniqueIds(Device) == 1000, TimeSpan.FromSeconds(30), () => $"backlog; {agent.Output}");
        Poll.Until(() => agent.Status() is { } s && s.GetProperty("pending").GetInt64() == 0 && s.GetProperty("state").GetString() == "connected",
            TimeSpan.FromSeconds(10), () => $"idle status: {agent.Status()}");

        var latencies = new List<double>();
        using var log = new TestLog(_data);
        for (var round = 0; round < 5; round++)
        {
            // Idle first: the agent is asleep when the rows come.
            Thread.Sleep(300);
            var expected = verifier.UniqueIds(Device) + 10;
            var clock = Stopwatch.StartNew();
            log.Append(10, correctionEvery: 0);
            Poll.Until(() => verifier.UniqueIds(Device) >= expected, TimeSpan.FromSeconds(5), () => $"10 new rows (round {round}); {verifier.Report(Device)}; status {agent.Status()}; agent: {agent.Output}", everyMs: 1);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        latencies.Sort();
        output.WriteLine($"{transport}: commit to consumer latency for new rows on an idle connection: median {latencies[2]:F1} ms, max {latencies[^1]:F1} ms");
        var report = verifier.Report(Device)!;
        Assert.Equal(1050, report.UniqueIds);
        Assert.Empty(report.Gaps);
    }

    /// <summary>Until the consumer's count has stood still for half a second (the broker holds nothing more for it); at most 20 s.</summary>
    private static void WaitUntilQuiet(SyncVerifier verifier, string device)
    {
        var clock = Stopwatch.StartNew();
        var last = verifier.UniqueIds(device);
        var since = clock.Elapsed;
        while (clock.Elapsed - since < TimeSpan.FromMilliseconds(500) && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(50);
            var now = verifier.UniqueIds(device);
            if (now != last)
            {
                (last, since) = (now, clock.Elapsed);
            }
        }
    }

    public void Dispose() => TempDir.Delete(_data);
}
