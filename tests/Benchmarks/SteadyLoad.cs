using System.Diagnostics;

/// <summary>
/// Requests at a steady rate however fast the answers come (an open loop: phones do not wait for each other), each
/// timed from the moment it was due, so a stalled server shows in the latency instead of slowing the load down. wrk
/// keeps a fixed number of requests outstanding instead (a closed loop): its latency is that number divided by the
/// throughput (Little's law), which says how many connections it was given, not how long a phone waits at a rate.
/// </summary>
internal static class SteadyLoad
{
    public sealed record Result(int Sent, int Answered, int Failed, double PerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs)
    {
        public override string ToString() =>
            $"{Answered:N0} of {Sent:N0} answered ({PerSecond:N0}/s{(Failed > 0 ? $", {Failed:N0} failed" : "")}), p50 {P50Ms:N1} ms, p90 {P90Ms:N1} ms, p99 {P99Ms:N1} ms, max {MaxMs:N1} ms";
    }

    public static async Task<Result> RunAsync(Uri url, int perSecond, TimeSpan duration, int connections, params (string Name, string Value)[] headers)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        { Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new List<double>();
        var failed = 0;

        async Task SendAsync(long due)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                foreach (var (name, value) in headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                var ms = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failed);
                    return;
                }

                lock (latencies)
                {
                    latencies.Add(ms);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref failed);
            }
        }

        // The connections are opened before the clock starts, as phones already on the page have theirs.
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => SendAsync(Stopwatch.GetTimestamp())));
        lock (latencies)
        {
            latencies.Clear();
        }

        failed = 0;
        var total = (int)(perSecond * duration.TotalSeconds);
        var interval = Stopwatch.Frequency / (double)perSecond;
        var start = Stopwatch.GetTimestamp();
        var pending = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * interval);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(2))
            {
                await Task.Delay(wait - TimeSpan.FromMilliseconds(1));
            }

            pending.Add(SendAsync(due));
        }

        await Task.WhenAll(pending);
        var elapsed = Stopwatch.GetElapsedTime(start);
        latencies.Sort();
        double At(double quantile) => latencies.Count == 0 ? double.PositiveInfinity : latencies[Math.Min(latencies.Count - 1, (int)(quantile * latencies.Count))];
        return new Result(total, latencies.Count, failed, latencies.Count / elapsed.TotalSeconds, At(0.5), At(0.9), At(0.99), latencies.Count == 0 ? double.PositiveInfinity : latencies[^1]);
    }
}
