using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;

namespace Edge.SyncAgent.Tests;

/// <summary>MQTT 5 first; a broker that only speaks 3.1.1 gets 3.1.1.</summary>
public sealed class ProtocolTests : IDisposable
{
    private readonly string _data = TempDir.Create("sync-protocol");

    [Theory]
    [MemberData(nameof(Transports.Both), MemberType = typeof(Transports))]
    public void A_broker_refusing_mqtt5_gets_mqtt311(string transport)
    {
        const string Device = "old-broker-box";
        TestLog.Build(_data, 4000);
        using var broker = MosquittoBroker.Start();
        using var proxy = new V311OnlyProxy(broker.Port);
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-protocol" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        using var agent = new AgentProcess(_data, $"--Cloud:Broker=mqtt://127.0.0.1:{proxy.Port}", $"--Cloud:DeviceId={Device}", AgentProcess.Transport(transport)).Start();

        Poll.Until(() => verifier.UniqueIds(Device) == 4000, TimeSpan.FromSeconds(20), () => $"reads through the 3.1.1 broker; {agent.Output}");
        Poll.Until(() => agent.State() == "connected", TimeSpan.FromSeconds(5), () => $"status: {agent.Status()}");
        Assert.Equal("3.1.1", agent.Status()!.Value.GetProperty("protocol").GetString());
        Assert.Equal(1, proxy.RefusedV5);
        Assert.Equal(1, proxy.PassedThrough);
        Poll.Until(() => agent.Output.Contains("does not speak MQTT 5; using MQTT 3.1.1", StringComparison.Ordinal), TimeSpan.FromSeconds(10), () => agent.Output);
        Assert.Empty(verifier.Report(Device)!.Gaps);
    }

    [Fact]
    public void Protocol_can_be_fixed_to_311()
    {
        const string Device = "v311-box";
        TestLog.Build(_data, 1000);
        using var broker = MosquittoBroker.Start();
        using var proxy = new V311OnlyProxy(broker.Port);
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-v311" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        using var agent = new AgentProcess(_data, $"--Cloud:Broker=mqtt://127.0.0.1:{proxy.Port}", $"--Cloud:DeviceId={Device}", "--Cloud:Protocol=3.1.1").Start();
        Poll.Until(() => verifier.UniqueIds(Device) == 1000, TimeSpan.FromSeconds(20), () => $"reads over 3.1.1; {agent.Output}");
        Assert.Equal(0, proxy.RefusedV5);
    }

    public void Dispose() => TempDir.Delete(_data);
}
