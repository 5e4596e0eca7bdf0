using System.Text.Json;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;

namespace Edge.SyncAgent.Tests;

/// <summary>Participants and results go to the cloud as retained snapshots, when they change, beside the reads.</summary>
public sealed class SnapshotTests : IDisposable
{
    private readonly string _data = TempDir.Create("sync-snap");

    [Fact]
    public void Participants_and_results_are_published_retained_when_they_change()
    {
        const string Device = "snap-box";
        TestLog.Build(_data, 2000);
        using var appliance = new FakeAppliance();
        appliance.Set("/api/participants", """[{"bib":"101","name":"Ada Lovelace","race":"10k"}]""");
        appliance.Set("/api/races", """[{"id":"10k","name":"10K"},{"id":"5k","name":"5K"}]""");
        appliance.Set("/api/races/10k/results", """{"race":"10k","rows":[{"bib":"101","place":1,"chipTime":"0:41:02.10"}]}""");
        // No results for 5k: a 404, skipped.

        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-snap" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, Device,
            $"--Sync:ApplianceUrl={appliance.Url}", "--Sync:SnapshotInterval=00:00:00.2")).Start();

        var participants = $"edge/{Device}/participants";
        var results10k = $"edge/{Device}/results/10k";
        Poll.Until(() => verifier.Last(participants) is not null && verifier.Last(results10k) is not null, TimeSpan.FromSeconds(15),
            () => $"snapshots; {agent.Output}");
        using (var snapshot = JsonDocument.Parse(verifier.Last(participants)!))
        {
            Assert.Equal(Device, snapshot.RootElement.GetProperty("device").GetString());
            Assert.Equal("edge.sync/1", snapshot.RootElement.GetProperty("schema").GetString());
            Assert.Equal("Ada Lovelace", snapshot.RootElement.GetProperty("data")[0].GetProperty("name").GetString());
        }

        using (var snapshot = JsonDocument.Parse(verifier.Last(results10k)!))
        {
            Assert.Equal("0:41:02.10", snapshot.RootElement.GetProperty("data").GetProperty("rows")[0].GetProperty("chipTime").GetString());
        }

        Poll.Until(() => verifier.UniqueIds(Device) == 2000, TimeSpan.FromSeconds(15), () => "reads beside the snapshots");

        // Unchanged content is not published again, however often it is polled.
        var requests = appliance.Requests;
        Poll.Until(() => appliance.Requests >= requests + 12, TimeSpan.FromSeconds(15), () => "more polls");
        Assert.Equal(1, verifier.Messages(participants));
        Assert.Equal(1, verifier.Messages(results10k));
        Assert.Equal(0, verifier.Messages($"edge/{Device}/results/5k"));

        appliance.Set("/api/participants", """[{"bib":"101","name":"Ada King","race":"10k"}]""");
        Poll.Until(() => verifier.Messages(participants) == 2, TimeSpan.FromSeconds(15), () => "the changed participants");
        Assert.Contains("Ada King", verifier.Last(participants), StringComparison.Ordinal);
        Assert.Equal(1, verifier.Messages(results10k));
    }

    [Fact]
    public void A_missing_appliance_does_not_hold_up_the_reads()
    {
        const string Device = "noapi-box";
        TestLog.Build(_data, 3000);
        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-noapi" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        // Nothing listens on this port.
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, Device,
            $"--Sync:ApplianceUrl=http://127.0.0.1:{TempDir.FreeTcpPort()}", "--Sync:SnapshotInterval=00:00:00.1")).Start();
        Poll.Until(() => verifier.UniqueIds(Device) == 3000, TimeSpan.FromSeconds(15), () => $"reads; {agent.Output}");
        Assert.Null(verifier.Last($"edge/{Device}/participants"));
        Assert.DoesNotContain("fail:", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Against_the_appliance_an_unchanged_snapshot_is_revalidated_not_fetched()
    {
        const string Device = "etag-box";
        using var meet = TestMeet.Standard();
        using var box = new ProcessBox(_data, meet.Setting);
        await box.StartAsync();
        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-etag" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        using var agent = new AgentProcess(_data, AgentProcess.For(broker, Device, $"--Sync:ApplianceUrl=http://127.0.0.1:{box.HttpPort}",
            "--Sync:SnapshotInterval=00:00:00.2", "--Logging:LogLevel:Default=Debug")).Start();

        var participants = $"edge/{Device}/participants";
        Poll.Until(() => verifier.Last(participants) is not null && verifier.Last($"edge/{Device}/results/10k") is not null, TimeSpan.FromSeconds(15),
            () => $"snapshots; {agent.Output}");
        Poll.Until(() => agent.Printed("/api/participants: unchanged") && agent.Printed("/api/races/10k/results: unchanged"), TimeSpan.FromSeconds(10),
            () => $"304s for unchanged snapshots; {agent.Output}");
        Assert.Equal(1, verifier.Messages(participants));
        using var snapshot = JsonDocument.Parse(verifier.Last(participants)!);
        Assert.Equal(TestMeet.SmallRoster.Length, snapshot.RootElement.GetProperty("data").GetArrayLength());
    }

    public void Dispose() => TempDir.Delete(_data);
}
