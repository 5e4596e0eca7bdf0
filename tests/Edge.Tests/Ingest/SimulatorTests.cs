using System.Globalization;
using Edge.Simulator;
using Edge.Tests.Support;

namespace Edge.Tests.Ingest;

/// <summary>The box against the CTP01 controller simulator, which behaves as SimpleClient does.</summary>
public class SimulatorTests
{
    [Fact]
    public async Task Sixteen_clients_at_once_each_have_every_read_stored_exactly_once()
    {
        await using var box = await TestBox.StartAsync();
        var races = Enumerable.Range(0, 16).Select(i => GeneratedRace.Generate(new RaceOptions
        {
            Participants = 200,
            FirstBib = 1 + i * 1000,
            Locations = [$"start{i}", $"half{i}", $"finish{i}"],
            ExtraReadsPerLocation = 1,
            Seed = i + 1,
        })).ToList();
        using var cts = new CancellationTokenSource();
        var clients = races.Select(r => new Ctp01Client(r, new ClientOptions { Port = box.TimingPort, ReadsPerSecond = 2000 })).ToList();
        var runs = clients.Select(c => c.RunAsync(cts.Token)).ToList();

        var expectedReads = races.Sum(r => r.Timeline.Count(x => !x.IsGun));
        await box.WaitUntilAsync(s => s.GetProperty("connections").GetArrayLength() == 16, TimeSpan.FromSeconds(30), "16 connections");
        await box.WaitForReadsAsync(expectedReads, TimeSpan.FromSeconds(60));
        await cts.CancelAsync();
        await Task.WhenAll(runs);

        var log = ConversationTests.ReadLog(box.DataDir);
        Assert.Equal(races.Sum(r => r.TotalReads), log.Count);
        Assert.Equal(16, log.Select(e => e.SourceId).Distinct().Count());
        foreach (var race in races)
        {
            var stored = log.Where(e => e.Location.EndsWith(race.Options.Locations[0][^1..], StringComparison.Ordinal) && race.Options.Locations.Contains(e.Location))
                .Select(e => (e.Location, e.Sequence, e.Tag)).ToHashSet();
            Assert.Equal(race.Timeline.Select(r => (r.Location, (long)r.Sequence, r.Tag)).ToHashSet(), stored);
        }
    }

    [Fact]
    public async Task A_dropped_simulator_reconnects_resumes_and_nothing_is_stored_twice_or_lost()
    {
        await using var box = await TestBox.StartAsync();
        var race = GeneratedRace.Generate(new RaceOptions { Participants = 2_000, Locations = ["start", "5k", "finish"], LateLocation = "5k", LateLocationAfterReads = 500 });
        await using var client = new Ctp01Client(race, new ClientOptions { Port = box.TimingPort, ReadsPerSecond = 4000 });
        using var cts = new CancellationTokenSource();
        var run = client.RunAsync(cts.Token);

        // Cut the connection twice while the race streams; the simulator comes back by itself.
        for (var cut = 0; cut < 2; cut++)
        {
            var connection = cut + 1;
            await box.WaitUntilAsync(
                s => client.Connections == connection && client.Connected && s.GetProperty("reads").GetInt64() > 1000 * connection,
                TimeSpan.FromSeconds(30), $"reads flowing on connection {connection}");
            Assert.True(client.DropConnection(), "a connection to drop");
        }

        // The simulator comes back after the second cut too, even if it had sent everything by then.
        await box.WaitUntilAsync(_ => client.Connections >= 3 && client.Connected, TimeSpan.FromSeconds(30), "the third connection");
        await box.WaitForReadsAsync(race.TotalReads - 1, TimeSpan.FromSeconds(60));
        await cts.CancelAsync();
        await run;

        Assert.True(client.Connections >= 3, $"{client.Connections} connections");
        Assert.True(client.ServerLines.Any(l => l == "start~5k" || l.StartsWith("start~5k~", StringComparison.Ordinal)),
            $"the late location was started; the box sent: {string.Join(" | ", client.ServerLines.Where(l => !l.StartsWith("ack~", StringComparison.Ordinal)).Take(40))}");
        // At the first cut over 1,000 reads were stored, most of them at the start: the reconnect resumes the start location after them.
        Assert.Contains(client.ServerLines, l => l.Split('~') is ["start", "start", var seq] && int.Parse(seq, CultureInfo.InvariantCulture) > 500);
        var log = ConversationTests.ReadLog(box.DataDir);
        Assert.Equal(race.TotalReads, log.Count);
        Assert.Equal(
            race.Timeline.Select(r => (r.Location, (long)r.Sequence)).Order(),
            log.Select(e => (e.Location, e.Sequence)).Order());
        Assert.Single(log, e => e.Kind == Edge.Store.LogKind.Gun);
    }
}
