using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;
using Xunit.Abstractions;

namespace Edge.SyncAgent.Tests;

/// <summary>The agent reads the appliance's database while the appliance writes it: ingest must not suffer.</summary>
public sealed class IngestTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = TempDir.Create("sync-ingest");

    [Fact]
    public async Task Appliance_keeps_ingesting_while_the_agent_drains_a_backlog()
    {
        const string Device = "busy-box";
        TestLog.Build(_data, 200_000);
        using var box = new ProcessBox(_data, "--Logging:LogLevel:Default=Warning");
        await box.StartAsync();
        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-ingest" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, Device)).Start();
        Poll.Until(() => verifier.UniqueIds(Device) > 0, TimeSpan.FromSeconds(15), () => $"drain started; {agent.Output}");

        var (reads, rate, _) = await IngestRun.PushAsync(box, clients: 4, participants: 5000, tag: "live");
        var sentDuringIngest = verifier.UniqueIds(Device);
        output.WriteLine($"ingest while the agent drains a 200,000-entry backlog: {reads:N0} reads at {rate:N0} reads/s; consumer had {sentDuringIngest:N0} ids when ingest ended");
        Assert.Equal(60_000, reads);

        // Everything, backlog and the new reads, reaches the consumer.
        long last = 0;
        Poll.Until(() => (last = agent.StatusNumber("lastLogId")) >= 260_000 && verifier.UniqueIds(Device) == last, TimeSpan.FromSeconds(90),
            () => $"all {last} ids; {verifier.Report(Device)}; status {agent.Status()}");
        var report = verifier.Report(Device)!;
        Assert.Empty(report.Gaps);
        Assert.Equal(0, report.OrderViolations);
        Assert.Equal(0, report.Malformed);
    }

    public void Dispose() => TempDir.Delete(_data);
}
