using Edge.Store;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Edge.Verifier;

namespace Edge.SyncAgent.Tests;

/// <summary>A box keeps many meets; every synced item says which one it belongs to.</summary>
public sealed class MeetTests : IDisposable
{
    private readonly string _data = TempDir.Create("sync-meets");

    [Fact]
    public void Every_item_names_its_meet_and_an_archived_meet_is_synced_too()
    {
        const string Device = "two-meets-box";
        using (var connection = EdgeDatabase.OpenWriter(_data))
        using (var writer = new LogWriter(connection))
        {
            foreach (var (key, reads) in new[] { ("2026-05-02-lakeside-10k", 300), ("hills-2026", 200) })
            {
                writer.OpenMeet(key, key, null, "UTC", 0);
                var source = writer.OpenSource("ct-1", "SimpleClient", 0).Id;
                var batch = Enumerable.Range(1, reads)
                    .Select(i => new NewLogEntry(LogKind.Read, source, "finish", i, i.ToString(System.Globalization.CultureInfo.InvariantCulture), 1_777_000_000_000 + i, 1, "0F2A38", 1, 0, $"CT01_33~{i}~finish"))
                    .ToArray();
                writer.Append(batch, new long[batch.Length]);
            }
        }

        using var broker = MosquittoBroker.Start();
        using var verifier = new SyncVerifier(new VerifierOptions { Port = broker.Port, ClientId = "verifier-meets" });
        verifier.Start();
        Assert.True(verifier.WaitSubscribed(TimeSpan.FromSeconds(10)));
        using var agent = new AgentProcess(_data, $"--Cloud:Broker=mqtt://127.0.0.1:{broker.Port}", $"--Cloud:DeviceId={Device}").Start();
        Poll.Until(() => verifier.UniqueIds(Device) == 500, TimeSpan.FromSeconds(20), () => $"both meets' reads; {agent.Output}");
        var perMeet = verifier.ItemsPerMeet(Device);
        Assert.Equal(300, perMeet["2026-05-02-lakeside-10k"]);
        Assert.Equal(200, perMeet["hills-2026"]);
        Assert.Equal(0, verifier.Report(Device)!.Malformed);
    }

    public void Dispose() => TempDir.Delete(_data);
}
