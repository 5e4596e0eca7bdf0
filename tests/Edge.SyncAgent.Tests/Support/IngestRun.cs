using System.Diagnostics;
using Edge.Simulator;
using Edge.Tests.Support;

namespace Edge.SyncAgent.Tests.Support;

/// <summary>Simulated controllers pushing a race into an appliance process unpaced; measures durable ingest.</summary>
public static class IngestRun
{
    /// <summary>
    /// Pushes <paramref name="clients"/> races of <paramref name="participants"/> runners at <paramref name="mats"/> mats
    /// each, unpaced, and waits until all are stored; returns reads stored, the rate and the time from first to last.
    /// The box's status is asked every <paramref name="poll"/> (20 ms unless given): a box in a small CPU envelope
    /// spends a noticeable share of it answering.
    /// </summary>
    public static async Task<(long Reads, double PerSecond, TimeSpan Elapsed)> PushAsync(
        ProcessBox box, int clients, int participants, string tag, int mats = 3, TimeSpan? timeout = null, TimeSpan? poll = null)
    {
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        var before = (await box.StatusAsync()).GetProperty("reads").GetInt64();
        var races = Enumerable.Range(0, clients).Select(i => GeneratedRace.Generate(new RaceOptions
        {
            Participants = participants,
            FirstBib = 100_000 + (i * participants),
            Locations = [$"{tag}start{i}", .. Enumerable.Range(1, mats - 2).Select(k => $"{tag}split{k}-{i}"), $"{tag}finish{i}"],
            Seed = i + 1,
        })).ToList();
        var total = races.Sum(r => r.Timeline.Count(x => !x.IsGun));
        using var cts = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var runs = races.Select(r => new Ctp01Client(r, new ClientOptions { Port = box.TimingPort }).RunAsync(cts.Token)).ToList();
        long reads;
        var firstAt = TimeSpan.Zero;
        do
        {
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(20));
            reads = (await box.StatusAsync()).GetProperty("reads").GetInt64() - before;
            if (reads > 0 && firstAt == TimeSpan.Zero)
            {
                firstAt = clock.Elapsed;
            }
        }
        while (reads < total && clock.Elapsed < limit);

        var elapsed = clock.Elapsed - firstAt;
        await cts.CancelAsync();
        await Task.WhenAll(runs.Select(t => t.ContinueWith(_ => { })));
        if (reads < total)
        {
            throw new TimeoutException($"only {reads} of {total} reads stored in {limit}");
        }

        return (reads, reads / elapsed.TotalSeconds, elapsed);
    }
}
