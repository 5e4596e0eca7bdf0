using Edge.Appliance.Ingest;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using System.Text.Json;
using Edge.Appliance.Store;

namespace Edge.Appliance.Web;

/// <summary>What the box is doing: <c>/healthz</c> for supervisors, <c>/api/status</c> for people and tools.</summary>
public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        // How long this start took, from the process's first instruction to storing reads and serving pages: logged,
        // and in /api/status (process.startedInMs), so a timer (and the image's emulated boot) can see it.
        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Edge.Appliance.Start");
        long? startedInMs = null;
        app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            startedInMs = (long)(DateTime.Now - self.StartTime).TotalMilliseconds;
            logger.LogInformation("Accepting reads and serving pages {Ms} ms after the process started", startedInMs);
        });
        app.MapGet("/healthz", (ReadStore store, IngestStatus ingest) =>
        {
            var health = store.Health;
            var storeText = health.State switch
            {
                StoreState.Healthy => "store open",
                StoreState.Retrying => $"store retrying a commit since {health.Since:u}: {health.Problem}",
                StoreState.Failed => $"store failed since {health.Since:u}: {health.Problem}",
                var other => $"store {other.ToString().ToLowerInvariant()}",
            };
            return store.IsOpen && ingest.Accepting
                ? TypedResults.Text("ok\n")
                : TypedResults.Text($"{storeText}, timing listener {(ingest.Accepting ? "accepting" : "not accepting")}\n",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
        });

        app.MapGet("/api/status", (ReadStore store, IngestStatus ingest, TimingEndpoint timing, MeetHost meetHost, ResultsService results,
            Online.ResultsPosting posting) =>
        {
            var latency = store.CommitLatency.Snapshot();
            var meet = meetHost.Current.Event;
            var snapshot = results.Current;
            var health = store.Health;
            var openMeet = store.Meet;
            return new StatusResponse(
                Store: new StoreStatus(JsonNamingPolicy.CamelCase.ConvertName(health.State.ToString()), health.Problem, health.Since, store.DatabasePath),
                Reads: store.Reads,
                Guns: store.Guns,
                Duplicates: store.Duplicates,
                Event: new EventStatus(meet.Name, meet.Date?.ToString("yyyy-MM-dd"), meet.TimeZone.Id),
                Locations: [.. store.Locations.Select(l => new LocationStatus(
                    l.Name, l.LastSequence, l.Reads, l.Guns, l.LastAtMs == 0 ? null : ResultFormat.Instant(l.LastAtMs)))],
                Connections: [.. ingest.Connections.Select(c => new ConnectionStatus(
                    c.Id, c.RemoteAddress, c.ConnectionId, c.Greeting, c.EventInfo, c.Locations, c.ConnectedAt, c.Reads))],
                Rejected: ingest.Rejected(),
                Reconciliation: [.. store.Tallies.Select(LocationReconciliation.Of)],
                Meet: new MeetStatus(meetHost.Directory, meetHost.Error, snapshot.Meet.Races.Count, snapshot.Meet.Participants.Count,
                    openMeet.Key, openMeet.Id, meetHost.Loaded),
                Results: new ResultsStatus(snapshot.LastLogId, snapshot.Version, snapshot.UnknownTagCount, results.LastRebuild.Elapsed.TotalMilliseconds),
                Process: ProcessStatus.Now(startedInMs),
                Sync: SyncStatusReader.Read(Path.GetDirectoryName(store.DatabasePath)!),
                RunSignUp: posting.Status,
                Ingest: new IngestFigures(
                    timing.Address?.ToString(),
                    store.Queued,
                    LatencyStatus.Of(latency)));
        });
        return app;
    }

    public sealed record StatusResponse(
        StoreStatus Store,
        long Reads,
        long Guns,
        long Duplicates,
        EventStatus Event,
        IReadOnlyList<LocationStatus> Locations,
        IReadOnlyList<ConnectionStatus> Connections,
        IReadOnlyDictionary<string, long> Rejected,
        IReadOnlyList<LocationReconciliation> Reconciliation,
        MeetStatus Meet,
        ResultsStatus Results,
        ProcessStatus Process,
        Edge.Store.SyncStatus? Sync,
        Online.RunSignUpPostingStatus RunSignUp,
        IngestFigures Ingest);

    /// <summary>
    /// The box's own footprint: a Pi has little memory to spare. <c>processors</c> is what the runtime saw at start,
    /// after the unit's CPUQuota and AllowedCPUs (it sizes the thread pool and the GC by it).
    /// </summary>
    /// <summary>The process's memory, the processors its runtime sees, and how long its start took (null until it is done).</summary>
    public sealed record ProcessStatus(long ResidentBytes, long GcHeapBytes, long GcCommittedBytes, long GcFragmentedBytes, int Processors, long? StartedInMs)
    {
        public static ProcessStatus Now(long? startedInMs)
        {
            var gc = GC.GetGCMemoryInfo();
            return new ProcessStatus(Environment.WorkingSet, gc.HeapSizeBytes, gc.TotalCommittedBytes, gc.FragmentedBytes, Environment.ProcessorCount, startedInMs);
        }
    }

    /// <summary>
    /// The meet folder; <c>error</c> says why its latest edit was not taken (the last good meet keeps running), and
    /// <c>loaded</c> is false while no good folder has been read since start (results wait for one). <c>key</c> and
    /// <c>id</c> name the stored meet new reads belong to.
    /// </summary>
    public sealed record MeetStatus(string? Dir, string? Error, int Races, int Participants, string Key, long Id, bool Loaded);

    /// <summary>The store's writer: <c>healthy</c>, <c>retrying</c> (with the problem and since when) or <c>failed</c>.</summary>
    public sealed record StoreStatus(string State, string? Problem, DateTimeOffset? Since, string Path);

    /// <summary>How far the results engine has applied the log.</summary>
    public sealed record ResultsStatus(long LastLogId, long Version, long UnknownTags, double LastRebuildMs);

    public sealed record EventStatus(string Name, string? Date, string TimeZone);

    /// <summary><c>lastReadAt</c> is null before the first read, and for a read at an instant out of range.</summary>
    public sealed record LocationStatus(string Name, long LastSequence, long Reads, long Guns, DateTimeOffset? LastReadAt);

    public sealed record ConnectionStatus(
        long Id, string RemoteAddress, string? ConnectionId, string? Greeting, string? EventInfo,
        IReadOnlyList<string> Locations, DateTimeOffset ConnectedAt, long Reads);

    /// <summary>Commit latency: arrival on the socket to durable commit, since start. Buckets are counts per bound (the last is above all bounds).</summary>
    /// <summary>Commit latency percentiles as bucket bounds; null when past the largest bound (JSON has no infinity).</summary>
    public sealed record LatencyStatus(double? P50Ms, double? P99Ms, long Count, IReadOnlyList<double> BoundsMs, long[] Buckets)
    {
        public static LatencyStatus Of(long[] buckets) =>
            new(Finite(LatencyHistogram.Quantile(buckets, 0.5)), Finite(LatencyHistogram.Quantile(buckets, 0.99)), buckets.Sum(), LatencyHistogram.BoundsMs, buckets);

        private static double? Finite(double ms) => double.IsFinite(ms) ? ms : null;
    }

    public sealed record IngestFigures(string? Listener, int Queued, LatencyStatus CommitLatency);
}
