using System.Diagnostics;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;
using Xunit.Abstractions;

namespace Edge.SyncAgent.Tests;

/// <summary>
/// A broker that stops answering in the middle of a drain, its TCP connections left open: no PUBACK, no error, nothing
/// for a client library to notice (MQTTnet's DisconnectedAsync was reported not to fire while publishes are in flight,
/// issue #2244). The agent must give the connection up itself and carry on once the broker answers again.
/// </summary>
public sealed class StuckPublishTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = TempDir.Create("sync-stuck");

    [Theory]
    [MemberData(nameof(Transports.Both), MemberType = typeof(Transports))]
    public void A_broker_frozen_mid_publish_costs_a_reconnect_not_a_hang(string transport)
    {
        const int Entries = 40_000;
        const string Device = "stuck-box";
        TestLog.Build(_data, Entries);
        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-stuck" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)), "verifier did not subscribe: " + verifier.LastError);
        // Keep-alive an hour away: only the agent's own PUBACK deadline can notice the frozen broker.
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, Device, AgentProcess.Transport(transport),
            "--Sync:PublishTimeout=00:00:02", "--Sync:KeepAliveSeconds=3600", "--Sync:ConnectTimeout=00:00:02",
            "--Sync:BackoffMin=00:00:00.2", "--Sync:BackoffMax=00:00:00.5", "--Sync:InflightMessages=4", "--Sync:MaxBatchItems=250")).Start();
        Poll.Until(() => verifier.UniqueIds(Device) >= 5_000, TimeSpan.FromSeconds(30), () => $"progress before the freeze; {agent.Output}");

        broker.Freeze();
        var clock = Stopwatch.StartNew();
        try
        {
            Poll.Until(() => agent.Status()?.GetProperty("lastError").GetString()?.Contains("no PUBACK", StringComparison.Ordinal) == true,
                TimeSpan.FromSeconds(15), () => $"the stuck publish given up; status {agent.Status()}\n{agent.Output}");
            var noticed = clock.Elapsed;
            var attempts = agent.StatusNumber("connectAttempts");
            // Still frozen: each new attempt gets no CONNACK and is given up after the connect deadline, so the
            // network thread keeps going rather than waiting on the dead connection.
            Poll.Until(() => agent.StatusNumber("connectAttempts") >= attempts + 2, TimeSpan.FromSeconds(20),
                () => $"new attempts while the broker is frozen; status {agent.Status()}\n{agent.Output}");
            output.WriteLine($"{transport}: frozen broker noticed after {noticed.TotalSeconds:F1} s (PublishTimeout 2 s); " +
                $"{agent.StatusNumber("connectAttempts")} attempts by {clock.Elapsed.TotalSeconds:F1} s");
            Assert.False(agent.HasExited, agent.Output);
        }
        finally
        {
            broker.Thaw();
        }

        Poll.Until(() => verifier.UniqueIds(Device) == Entries, TimeSpan.FromSeconds(60), () => $"the rest after the thaw; {verifier.Report(Device)}; status {agent.Status()}");
        Poll.Until(() => agent.State() == "connected" && agent.StatusNumber("pending") == 0, TimeSpan.FromSeconds(10), () => $"drained: {agent.Status()}");
        var report = verifier.Report(Device)!;
        Assert.Empty(report.Gaps);
        Assert.Equal(0, report.OrderViolations);
        Assert.Equal(0, report.Malformed);
    }

    public void Dispose() => TempDir.Delete(_data);
}
