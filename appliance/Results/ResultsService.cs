using System.Runtime.CompilerServices;
using Edge.Appliance.Meet;
using Edge.Appliance.Store;
using Edge.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Results;

/// <summary>
/// Keeps results current: at start (and after a meet reload) it replays the whole log into a fresh engine, then
/// tails the log as the store commits, applying each batch at once and publishing an immutable snapshot plus
/// a change notice for live pages. Reads are durable before the engine sees them; nothing here can slow ingest.
/// </summary>
public sealed partial class ResultsService(
    ReadStore store, MeetHost meetHost, IOptions<StoreOptions> storeOptions, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<ResultsService> logger)
    : BackgroundService, IResultsFeed
{
    /// <summary>Entries per read while replaying the whole log.</summary>
    private const int ReplayPageSize = 50_000;

    /// <summary>Least time between two published snapshots while reads keep coming.</summary>
    private static readonly TimeSpan MinPublishInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Entries per read while tailing: small batches keep live updates prompt and memory flat during a burst.</summary>
    private const int TailPageSize = 4_096;

    private readonly ChangeNotices _notices = new();
    // Built with the service so pages have the meet before the first replay ends; that replay starts from it.
    private ResultsEngine? _fresh = new(meetHost.Current);
    private ResultsSnapshot? _current;
    private volatile bool _meetChanged;
    private long _meetId;
    private int _compactedOnce;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Results as of the last applied batch; replaced whole, never mutated.</summary>
    public ResultsSnapshot Current => Volatile.Read(ref _current) ?? Volatile.Read(ref _fresh)!.Snapshot;

    /// <summary>How long the last full replay took, and how many entries it applied.</summary>
    public (TimeSpan Elapsed, long Entries) LastRebuild { get; private set; }

    /// <summary>Every change from now on. A subscriber that falls behind loses the oldest notices, never blocks the engine.</summary>
    public IAsyncEnumerable<ResultsChange> WatchAsync(CancellationToken cancellationToken) => _notices.WatchAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        meetHost.Changed += OnMeetChanged;
        store.MeetOpened += OnMeetOpened;
        try
        {
            // The first replay waits until the box has started: the timing port listening and reads stored do not
            // wait for results. On a Pi-class core a big meet's replay (reader and adder, two busy threads) would
            // otherwise take most of the core from the host's own start, and the box would take reads seconds later.
            // Pages show the meet's races without results until the replay publishes, as they did while it ran.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await FollowLogAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Results are derived and can always be rebuilt: a failure here must never stop the box
                    // (the host stops on an unhandled service error), so start over from the log after a pause.
                    LogFailed(e);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            meetHost.Changed -= OnMeetChanged;
            store.MeetOpened -= OnMeetOpened;
        }
    }

    /// <summary>Replays the whole log into a fresh engine, then applies each commit as it lands.</summary>
    private async Task FollowLogAsync(CancellationToken stoppingToken)
    {
        using var connection = EdgeDatabase.OpenReader(storeOptions.Value.DataDir);
        using (var pragma = connection.CreateCommand())
        {
            // The engine reads each page once, just after it was written: a small cache is enough.
            pragma.CommandText = "PRAGMA cache_size = -512";
            pragma.ExecuteNonQuery();
        }

        using var tail = new EngineLogReader(connection);
        ResultsEngine? engine = null;
        long published = 0;
        var cost = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = Volatile.Read(ref _wake).Task;
            if (engine is null || _meetChanged)
            {
                _meetChanged = false;
                engine = await RebuildAsync(tail).ConfigureAwait(false);
                Publish(engine, new ResultsChange(engine.Snapshot.Version, engine.LastLogId, [.. engine.Snapshot.Races.Keys], [], []));
                continue;
            }

            if (store.LastId <= engine.LastLogId)
            {
                await Task.WhenAny(store.WaitForCommitAsync(engine.LastLogId, stoppingToken), wake).ConfigureAwait(false);
                continue;
            }

            // Each batch re-ranks the races it touched and copies the row index. When that is costly (a big field)
            // and commits keep coming, let reads gather for a moment rather than redo it for every commit: the pause
            // is a few times the last batch's cost, at most MinPublishInterval, so small meets are never held.
            var pause = TimeSpan.FromTicks(Math.Min(MinPublishInterval.Ticks, cost.Ticks * 4)) - time.GetElapsedTime(published);
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, stoppingToken).ConfigureAwait(false);
            }

            var started = time.GetTimestamp();
            var entries = tail.ReadAfter(engine.LastLogId, TailPageSize, _meetId, store.LastId, out var scanned);
            engine.Add(entries);
            engine.SkipTo(scanned);
            var change = engine.Publish();
            Publish(engine, change);
            published = time.GetTimestamp();
            cost = time.GetElapsedTime(started, published);
        }
    }

    private void OnMeetOpened(MeetRecord meet) => OnMeetChanged(meetHost.Current);

    private void OnMeetChanged(Meet.Meet meet)
    {
        _meetChanged = true;
        Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// The whole log into a fresh engine, on threads of their own at a lower priority (<see cref="BackgroundWork"/>):
    /// while a big meet's replay takes the CPU for seconds, reads are stored and pages answered first.
    /// </summary>
    private Task<ResultsEngine> RebuildAsync(EngineLogReader tail) => BackgroundWork.Run("results rebuild", () => Rebuild(tail));

    private ResultsEngine Rebuild(EngineLogReader tail)
    {
        var clock = time.GetTimestamp();
        var meet = meetHost.Current;
        var engine = Volatile.Read(ref _fresh) is { } fresh && ReferenceEquals(fresh.Snapshot.Meet, meet) && fresh.LastLogId == 0
            ? fresh
            : new ResultsEngine(meet);
        Volatile.Write(ref _current, Current);
        Volatile.Write(ref _fresh, null);
        // Only the open meet's entries: one meet's reads never reach another meet's results.
        _meetId = store.Meet.Id;
        var meetId = _meetId;
        var committedTo = store.LastId;
        // Reading the log and taking it in overlap: the next page is read while the engine adds this one.
        var entries = ReplayPump.Run(
            (after, _) => (tail.ReadAfter(after, ReplayPageSize, meetId, committedTo, out var scanned), scanned),
            engine.LastLogId,
            page => engine.Add(page),
            CancellationToken.None);
        engine.SkipTo(entries.LastId);
        var added = time.GetElapsedTime(clock);
        engine.Publish();
        engine.TrimExcess();
        // A replay allocates a great deal once: hand the room back to a box with little memory. The first replay,
        // as the box starts, compacts (before a race is under way); a replay after a meet edit, mid-race perhaps,
        // leaves it to the GC's own background collections so ingest's threads are never stopped for it.
        if (Interlocked.Exchange(ref _compactedOnce, 1) == 0)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        var elapsed = time.GetElapsedTime(clock);
        LastRebuild = (elapsed, entries.Count);
        LogRebuilt(entries.Count, (long)elapsed.TotalMilliseconds, (long)added.TotalMilliseconds, (long)(elapsed - added).TotalMilliseconds);
        return engine;
    }

    private void Publish(ResultsEngine engine, ResultsChange change)
    {
        Volatile.Write(ref _current, engine.Snapshot);
        _notices.Publish(change);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Results engine failed; rebuilding from the log")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Results rebuilt from {Entries} log entries in {Milliseconds} ms (reading and adding {Adding} ms, deriving and ranking {Deriving} ms)")]
    private partial void LogRebuilt(long entries, long milliseconds, long adding, long deriving);
}

/// <summary>Reads the log the way the engine needs it: no raw lines except for corrections, whose JSON they are (not an orienteering result list's XML, kind 30, which is megabytes the engine never reads).</summary>
public sealed class EngineLogReader : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter _after;
    private readonly SqliteParameter _limit;
    private readonly Dictionary<string, string> _locations = new(StringComparer.Ordinal);

    public EngineLogReader(SqliteConnection connection)
    {
        _command = connection.CreateCommand();
        _command.CommandText = """
            SELECT id, kind, location, tag, at_ms, CASE WHEN kind >= 10 AND kind <> 30 THEN raw END, meet_id
            FROM log WHERE id > $after ORDER BY id LIMIT $limit
            """;
        _after = _command.Parameters.Add("$after", SqliteType.Integer);
        _limit = _command.Parameters.Add("$limit", SqliteType.Integer);
        _command.Prepare();
    }

    /// <summary>
    /// The entries of meet <paramref name="meetId"/> among the next <paramref name="limit"/> log rows after
    /// <paramref name="afterId"/> (walked by id: other meets' rows are skipped, an index by meet would slow every insert).
    /// <paramref name="scannedTo"/> is where the next page starts: the last row looked at, or, when fewer than
    /// <paramref name="limit"/> rows were there, <paramref name="committedTo"/> (every id up to it is committed and was looked at).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public List<EngineEntry> ReadAfter(long afterId, int limit, long meetId, long committedTo, out long scannedTo)
    {
        _after.Value = afterId;
        _limit.Value = limit;
        scannedTo = afterId;
        var rows = 0;
        var entries = new List<EngineEntry>();
        using var reader = _command.ExecuteReader();
        while (reader.Read())
        {
            rows++;
            scannedTo = reader.GetInt64(0);
            if (reader.GetInt64(6) != meetId)
            {
                continue;
            }

            var location = reader.GetString(2);
            // A handful of timing points: keep one string per name rather than one per read.
            if (!_locations.TryGetValue(location, out var shared))
            {
                _locations[location] = shared = location;
            }

            entries.Add(new EngineEntry(
                reader.GetInt64(0), (LogKind)reader.GetInt32(1), shared, reader.GetString(3), reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        if (rows < limit)
        {
            scannedTo = Math.Max(scannedTo, committedTo);
        }

        return entries;
    }

    public void Dispose() => _command.Dispose();
}
