using System.Diagnostics;
using System.IO.Pipelines;
using Edge.Appliance.Results;
using Edge.Appliance.Web;
using Edge.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.Web;

/// <summary>
/// A live page's interval is measured on the monotonic clock. The box has no battery-backed clock: chrony steps its
/// wall clock by hours after a cold start, and a race page must neither stall nor lose its coalescing when it does.
/// </summary>
public class LiveClockTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Race_updates_keep_flowing_at_their_interval_when_the_wall_clock_is_stepped_back_or_forward()
    {
        var clock = new SteppedClock();
        await using var stream = LiveStream.Start(new LiveClient("10k", null), clock);

        stream.Client.Offer(Change(1));
        Assert.Equal(1, await stream.NextVersionAsync(Wait));
        var last = Stopwatch.StartNew();

        // Stepped back by hours, again and again: each change still goes out one interval after the one before.
        for (var version = 2; version <= 4; version++)
        {
            clock.Step(TimeSpan.FromHours(-3));
            stream.Client.Offer(Change(version));
            Assert.Equal(version, await stream.NextVersionAsync(Wait));
            var gap = last.Elapsed;
            last.Restart();
            Assert.True(gap >= Interval / 2 && gap < Interval * 3, $"event {version} came {gap.TotalMilliseconds:F0} ms after the one before");
        }

        // Stepped forward: a change right after an event is still held back for the interval, not sent at once.
        clock.Step(TimeSpan.FromHours(12));
        stream.Client.Offer(Change(5));
        Assert.Equal(5, await stream.NextVersionAsync(Wait));
        Assert.True(last.Elapsed >= Interval / 2, $"event 5 came {last.Elapsed.TotalMilliseconds:F0} ms after event 4, inside the interval");
    }

    private static ResultsChange Change(long version) => new(version, version, ["10k"], ["101"], []);

    /// <summary>A client's event stream written into a pipe, as it would be to a phone.</summary>
    private sealed class LiveStream : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Pipe _pipe = new();
        private readonly StreamReader _reader;
        private Task _running = Task.CompletedTask;

        private LiveStream(LiveClient client)
        {
            Client = client;
            _reader = new StreamReader(_pipe.Reader.AsStream());
        }

        public LiveClient Client { get; }

        public static LiveStream Start(LiveClient client, TimeProvider clock)
        {
            var stream = new LiveStream(client);
            var context = new DefaultHttpContext();
            context.Response.Body = stream._pipe.Writer.AsStream();
            stream._running = client.RunAsync(context.Response, Interval, TimeSpan.FromMinutes(5), clock, stream._stop.Token);
            return stream;
        }

        /// <summary>The version (the event id) of the next change event.</summary>
        public async Task<long> NextVersionAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                while (await _reader.ReadLineAsync(cts.Token) is { } line)
                {
                    if (line.StartsWith("id: ", StringComparison.Ordinal))
                    {
                        return long.Parse(line["id: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                Assert.Fail($"no event within {timeout.TotalSeconds:F0} s: the stream stalled");
            }

            throw new InvalidOperationException("the stream ended");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _running);
            _reader.Dispose();
            _stop.Dispose();
        }
    }
}
