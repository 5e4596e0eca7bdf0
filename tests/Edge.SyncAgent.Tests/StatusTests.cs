using System.Diagnostics;
using System.Text.Json;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;
using Xunit.Abstractions;

namespace Edge.SyncAgent.Tests;

/// <summary>What the status file and the retained status message say while the link comes and goes and live reads flow.</summary>
public sealed class StatusTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = TempDir.Create("sync-status");

    [Fact]
    public void Once_reconnected_the_status_carries_no_stale_error()
    {
        const string Device = "reconnect-box";
        TestLog.Build(_data, 1000);
        using var broker = MosquittoBroker.Start();
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, Device, "--Sync:BackoffMin=00:00:00.2", "--Sync:BackoffMax=00:00:00.5")).Start();
        Poll.Until(() => agent.Status() is { } s && s.GetProperty("state").GetString() == "connected" && s.GetProperty("pending").GetInt64() == 0,
            TimeSpan.FromSeconds(30), () => $"drained status: {agent.Status()}\n{agent.Output}");

        // A timer's console reading the file all along: "connected" must never come with an error.
        var contradictions = new List<string>();
        using var stop = new CancellationTokenSource();
        var reader = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (agent.Status() is { } s && s.GetProperty("state").GetString() == "connected" && s.GetProperty("lastError").ValueKind != JsonValueKind.Null)
                {
                    contradictions.Add(s.ToString());
                }

                Thread.Sleep(2);
            }
        });
        reader.Start();

        broker.Kill();
        string? error = null;
        Poll.Until(() => agent.Status() is { } s && s.GetProperty("state").GetString() == "backoff" && (error = s.GetProperty("lastError").GetString()) is not null,
            TimeSpan.FromSeconds(15), () => $"backoff with the error: {agent.Status()}\n{agent.Output}");
        Assert.Contains($"127.0.0.1:{broker.Port}", error, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, agent.Status()!.Value.GetProperty("lastErrorAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, agent.Status()!.Value.GetProperty("connectedAt").ValueKind);

        broker.Restart();
        Poll.Until(() => agent.State() == "connected", TimeSpan.FromSeconds(15), () => $"reconnected: {agent.Status()}\n{agent.Output}");
        // A few more writes of the file (the rate falls, the pump looks again) while the reader watches.
        Thread.Sleep(TimeSpan.FromSeconds(1));
        stop.Cancel();
        reader.Join();

        var status = agent.Status()!.Value;
        output.WriteLine(status.ToString());
        Assert.Equal("connected", status.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastError").ValueKind);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastErrorAt").ValueKind);
        Assert.Equal(JsonValueKind.String, status.GetProperty("connectedAt").ValueKind);
        Assert.True(status.GetProperty("connectAttempts").GetInt64() >= 2, status.ToString());
        Assert.True(contradictions.Count == 0, $"{contradictions.Count} status files said connected with an error, e.g. {contradictions.FirstOrDefault()}");
        // What the error was is still in the log.
        Assert.Contains(error!, agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_reads_in_many_small_batches_get_a_retained_status_per_second_not_per_batch()
    {
        const string Device = "live-status-box";
        const int Batches = 300;
        const int BatchReads = 10;
        TestLog.Build(_data, 100);
        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-live-status" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, Device)).Start();
        var topic = $"edge/{Device}/status";
        Poll.Until(() => verifier.UniqueIds(Device) == 100 && verifier.Last(topic)?.Contains("\"pending\":0", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(30), () => $"backlog and a drained status; status {verifier.Last(topic)}; {agent.Output}");

        var statusBefore = verifier.Messages(topic);
        var readsBefore = verifier.Report(Device)!.Messages;
        var clock = Stopwatch.StartNew();
        using (var log = new TestLog(_data))
        {
            // A race at the finish: a few reads at a time, each its own commit, which the agent sends as it comes.
            for (var i = 0; i < Batches; i++)
            {
                log.Append(BatchReads, correctionEvery: 0);
                Thread.Sleep(10);
            }
        }

        const long Last = 100 + (Batches * BatchReads);
        Poll.Until(() => verifier.UniqueIds(Device) == Last, TimeSpan.FromSeconds(30), () => $"all reads; {verifier.Report(Device)}; {agent.Output}");
        // The last status goes out within the interval even though no batch follows it, and tells how things stand.
        Poll.Until(() => verifier.Last(topic)?.Contains($"\"watermark\":{Last},", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(5),
            () => $"a retained status with watermark {Last}: {verifier.Last(topic)}");
        var elapsed = clock.Elapsed;
        Thread.Sleep(TimeSpan.FromSeconds(1.5));

        var statusMessages = verifier.Messages(topic) - statusBefore;
        var readMessages = verifier.Report(Device)!.Messages - readsBefore;
        output.WriteLine($"{Batches * BatchReads} reads in {Batches} commits over {elapsed.TotalSeconds:F1} s: {readMessages} read messages, {statusMessages} status messages");
        using (var last = JsonDocument.Parse(verifier.Last(topic)!))
        {
            Assert.Equal("online", last.RootElement.GetProperty("state").GetString());
            Assert.Equal(0, last.RootElement.GetProperty("pending").GetInt64());
            Assert.Equal(Last, last.RootElement.GetProperty("lastLogId").GetInt64());
        }

        // The reads went in many small messages (so a status per batch would be as many)...
        Assert.True(readMessages >= 60, $"only {readMessages} read messages: the batches were merged, the test shows nothing");
        // ...and the status messages are bounded by the time that passed: at most one a second.
        Assert.InRange(statusMessages, 1, (int)Math.Ceiling(elapsed.TotalSeconds + 1.5) + 1);
        Assert.Empty(verifier.Report(Device)!.Gaps);
    }

    public void Dispose() => TempDir.Delete(_data);
}
