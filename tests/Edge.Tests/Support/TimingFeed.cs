using System.Diagnostics;
using Edge.Appliance.Results;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Support;

/// <summary>
/// A timer's middleware talking CTP01 to a box, for tests that need results: gun and tag reads at event times
/// given as "08:45:12.34" on the standard meet's date (UTC), numbered per location as the middleware does.
/// </summary>
public sealed class TimingFeed : IDisposable
{
    private readonly RawClient _client;
    private readonly Dictionary<string, int> _sequence = new(StringComparer.Ordinal);

    private TimingFeed(RawClient client) => _client = client;

    public static readonly string[] Locations = ["start", "5k", "finish"];

    public static async Task<TimingFeed> ConnectAsync(int timingPort)
    {
        var client = await RawClient.ConnectAsync(timingPort);
        await client.HandshakeAsync(Guid.NewGuid().ToString("N"), Locations);
        return new TimingFeed(client);
    }

    public static string Line(string location, int sequence, string tag, string time) =>
        $"CT01_33~{sequence}~{location}~{tag}~{TestMeet.Date}T{time}~{(tag == "guntime" ? 0 : 1)}~0F2A38~1";

    public Task GunAsync(string time = "08:00:00.00") => SendAsync("start", "guntime", time);

    public Task ReadAsync(string location, string bib, string time) => SendAsync(location, bib, time);

    /// <summary>Reads as (location, bib, time) in one write.</summary>
    public Task ReadsAsync(params (string Location, string Bib, string Time)[] reads) =>
        _client.SendAsync([.. reads.Select(r => Line(r.Location, Next(r.Location), r.Bib, r.Time))]);

    public Task SendLinesAsync(IEnumerable<string> lines) => _client.SendAsync([.. lines]);

    private Task SendAsync(string location, string tag, string time) => _client.SendAsync(Line(location, Next(location), tag, time));

    private int Next(string location) => _sequence[location] = _sequence.GetValueOrDefault(location) + 1;

    public void Dispose() => _client.Dispose();
}

public static class ResultsWaits
{
    /// <summary>Polls the box's results until the condition holds (the engine applies reads after they are stored).</summary>
    public static async Task<ResultsSnapshot> WaitForResultsAsync(this TestBox box, Func<ResultsSnapshot, bool> condition, string what, TimeSpan? timeout = null)
    {
        var results = box.Services.GetRequiredService<ResultsService>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var snapshot = results.Current;
            if (condition(snapshot))
            {
                return snapshot;
            }

            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                Assert.Fail($"timed out waiting for {what}; results at version {snapshot.Version}, log id {snapshot.LastLogId}");
            }

            await Task.Delay(10);
        }
    }

    public static Task<ResultsSnapshot> WaitForStatusAsync(this TestBox box, string bib, ParticipantStatus status) =>
        box.WaitForResultsAsync(s => s.ByBib.TryGetValue(bib, out var row) && row.Status == status, $"bib {bib} {status}");
}
