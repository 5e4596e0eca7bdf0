using System.Text.Json;
using Edge.Appliance.Web;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;
using Xunit.Abstractions;

namespace Edge.SyncAgent.Tests;

/// <summary>Status for the appliance, clean stop under SIGTERM, no CPU when idle.</summary>
public sealed class LifecycleTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = TempDir.Create("sync-life");

    [Theory]
    [MemberData(nameof(Transports.Both), MemberType = typeof(Transports))]
    public async Task Status_file_tells_the_appliance_how_the_upload_stands(string transport)
    {
        const string Device = "status-box";
        TestLog.Build(_data, 5000);
        using var broker = MosquittoBroker.Start();
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, Device, AgentProcess.Transport(transport))).Start();
        Poll.Until(() => agent.Status() is { } s && s.GetProperty("watermark").GetInt64() == 5000 && s.GetProperty("state").GetString() == "connected",
            TimeSpan.FromSeconds(30), () => $"drained status: {agent.Status()}\n{agent.Output}");

        var status = agent.Status()!.Value;
        Assert.Equal($"127.0.0.1:{broker.Port}", status.GetProperty("broker").GetString());
        Assert.Equal(Device, status.GetProperty("deviceId").GetString());
        Assert.Equal("5", status.GetProperty("protocol").GetString());
        Assert.Equal(5000, status.GetProperty("lastLogId").GetInt64());
        Assert.Equal(0, status.GetProperty("pending").GetInt64());
        Assert.Equal(0, status.GetProperty("inflight").GetInt32());
        Assert.Equal(1, status.GetProperty("connectAttempts").GetInt64());
        Assert.True(status.GetProperty("messagesAcknowledged").GetInt64() >= 10, status.ToString());
        Assert.Equal(JsonValueKind.String, status.GetProperty("lastAckAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastError").ValueKind);
        Assert.Equal(agent.Pid, status.GetProperty("pid").GetInt32());

        // The appliance shows the same under /api/status "sync".
        using (var box = new ProcessBox(_data, "--Logging:LogLevel:Default=Warning"))
        {
            await box.StartAsync();
            var sync = (await box.StatusAsync()).GetProperty("sync");
            Assert.Equal("connected", sync.GetProperty("state").GetString());
            Assert.Equal(5000, sync.GetProperty("watermark").GetInt64());
            Assert.Equal(0, sync.GetProperty("pending").GetInt64());
            Assert.Equal(Device, sync.GetProperty("deviceId").GetString());
            Assert.True(sync.GetProperty("running").GetBoolean());

            agent.Terminate(TimeSpan.FromSeconds(10));
            sync = (await box.StatusAsync()).GetProperty("sync");
            Assert.Equal("stopped", sync.GetProperty("state").GetString());
            Assert.False(sync.GetProperty("running").GetBoolean());
        }
    }

    [Fact]
    public void Status_reader_tolerates_missing_and_damaged_files()
    {
        Assert.Null(SyncStatusReader.Read(_data));
        var path = Path.Combine(_data, Edge.Store.SyncStatus.FileName);
        File.WriteAllText(path, "{\"state\":\"connec");
        Assert.Null(SyncStatusReader.Read(_data));
        File.WriteAllText(path, "");
        Assert.Null(SyncStatusReader.Read(_data));
        File.WriteAllText(path, """
            {"state":"backoff","broker":"cloud.example:8883","deviceId":"box-1","protocol":"5","watermark":12,"lastLogId":40,
             "pending":28,"inflight":0,"ratePerSecond":0,"lastAckAt":null,"lastError":"not authorised","lastErrorAt":"2026-05-02T15:00:00Z",
             "connectedAt":null,"connectAttempts":3,"messagesAcknowledged":1,"updatedAt":"2026-05-02T15:00:01Z","pid":2147483000}
            """);
        var status = SyncStatusReader.Read(_data)!;
        Assert.Equal("backoff", status.State);
        Assert.Equal(28, status.Pending);
        Assert.Equal("not authorised", status.LastError);
        Assert.False(status.Running);
    }

    [Theory]
    [MemberData(nameof(Transports.Both), MemberType = typeof(Transports))]
    public void Sigterm_stops_cleanly_with_the_watermark_saved_and_the_box_marked_offline(string transport)
    {
        const string Device = "term-box";
        const int Entries = 60_000;
        TestLog.Build(_data, Entries);
        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-term" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        string[] settings = AgentProcess.For(broker, Device, "--Sync:InflightMessages=2", "--Sync:MaxBatchItems=100", AgentProcess.Transport(transport));
        using (var agent = new AgentProcess(_data, settings).Start())
        {
            // The consumer can hold a window (2 messages of 100 items) the agent has not yet seen acknowledged: wait past it,
            // so the saved watermark is at least 5,000 however the acknowledgements race the stop.
            Poll.Until(() => verifier.UniqueIds(Device) >= 5000 + (2 * 100), TimeSpan.FromSeconds(30), () => $"progress; {agent.Output}");
            var (exitCode, took) = agent.Terminate(TimeSpan.FromSeconds(10));
            output.WriteLine($"{transport}: SIGTERM to exit: {took.TotalMilliseconds:F0} ms");
            Assert.Equal(0, exitCode);
            Assert.True(took < TimeSpan.FromSeconds(5), $"stop took {took}");
            var saved = agent.SavedWatermark();
            Assert.InRange(saved, 5000, Entries);
            Assert.Equal("stopped", agent.State());
            Assert.Equal(saved, agent.StatusNumber("watermark"));
            // Everything up to the watermark reached the consumer.
            Assert.True(verifier.UniqueIds(Device) >= saved);
            Poll.Until(() => verifier.Last($"edge/{Device}/status")?.Contains("\"offline\"", StringComparison.Ordinal) == true,
                TimeSpan.FromSeconds(5), () => "retained offline status");
            Assert.Contains("stopped", agent.Output, StringComparison.Ordinal);
        }

        using var again = new AgentProcess(_data, settings).Start();
        Poll.Until(() => verifier.UniqueIds(Device) == Entries, TimeSpan.FromSeconds(60), () => $"rest of the log; {verifier.Report(Device)}");
        var report = verifier.Report(Device)!;
        Assert.Empty(report.Gaps);
        Assert.Equal(0, report.OrderViolations);
        Assert.Contains("\"online\"", verifier.Last($"edge/{Device}/status"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transports.Both), MemberType = typeof(Transports))]
    public void Idle_agent_uses_no_cpu(string transport)
    {
        const string Device = "idle-box";
        TestLog.Build(_data, 2000);
        using var broker = MosquittoBroker.Start();
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, Device, AgentProcess.Transport(transport))).Start();
        Poll.Until(() => agent.Status() is { } s && s.GetProperty("pending").GetInt64() == 0 && s.GetProperty("ratePerSecond").GetDouble() == 0 && s.GetProperty("lastLogId").GetInt64() == 2000,
            TimeSpan.FromSeconds(30), () => $"idle: {agent.Status()}");

        var before = agent.CpuTime();
        Thread.Sleep(TimeSpan.FromSeconds(5));
        var used = agent.CpuTime() - before;
        output.WriteLine($"{transport}: connected, nothing pending: {used.TotalMilliseconds:F0} ms CPU in 5 s; resident {agent.ResidentBytes() / 1048576.0:F1} MiB");
        Assert.True(used < TimeSpan.FromMilliseconds(200), $"idle agent used {used.TotalMilliseconds} ms of CPU in 5 s");
    }

    public void Dispose() => TempDir.Delete(_data);
}
