using System.Globalization;
using System.Threading.Channels;
using Edge.Appliance.Meet;
using Edge.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Store;

/// <summary>What the writer of <c>edge.db</c> is doing, as <c>/healthz</c> and <c>/api/status</c> report it.</summary>
public enum StoreState
{
    /// <summary>Not open yet.</summary>
    Starting,
    /// <summary>Commits succeed.</summary>
    Healthy,
    /// <summary>A commit failed for a reason that can pass (disk full, busy, I/O error); the batch is retried and nothing new is taken meanwhile.</summary>
    Retrying,
    /// <summary>The file cannot be written (corrupt, read-only, not a database): nothing is taken until the box restarts.</summary>
    Failed,
    /// <summary>Shut down.</summary>
    Closed,
}

/// <summary>The writer's state, with what is wrong and since when (the box's clock) when it is not healthy.</summary>
public sealed record StoreHealth(StoreState State, string? Problem, DateTimeOffset? Since)
{
    public static StoreHealth Starting { get; } = new(StoreState.Starting, null, null);
}

/// <summary>
/// The one writer of <c>edge.db</c>. Connections hand it entries over a bounded channel; it commits whatever
/// is waiting in one durable transaction (group commit, WAL, synchronous=FULL). An entry counts as received
/// only once that commit returns. Shutdown drains the channel, and the database closes only after the writer
/// has stopped. Entries go to the meet the meet folder names (<see cref="Meet"/>).
/// </summary>
public sealed partial class ReadStore(IOptions<StoreOptions> options, MeetHost meetHost, TimeProvider time, ILogger<ReadStore> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(5);

    private readonly StoreOptions _options = options.Value;
    private readonly Channel<Request> _queue = Channel.CreateBounded<Request>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _failure = new();
    private LogWriter? _writer;
    private SqliteConnection? _connection;
    private long _reads;
    private long _guns;
    private long _duplicates;
    private IReadOnlyList<LocationTotals> _locations = [];
    private IReadOnlyList<SourceTally> _tallies = [];
    private MeetRecord? _meet;
    private MeetEvent? _wanted;
    private TimeSpan _meetRetryDelay = FirstRetryDelay;
    private StoreHealth _health = StoreHealth.Starting;
    private long _lastId;
    private long? _consoleSource;
    private TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True while commits succeed.</summary>
    public bool IsOpen => Health.State == StoreState.Healthy;

    public StoreHealth Health => Volatile.Read(ref _health);

    /// <summary>Reads stored in the open meet.</summary>
    public long Reads => Interlocked.Read(ref _reads);
    public long Guns => Interlocked.Read(ref _guns);
    /// <summary>Lines of the open meet that arrived again and were not stored twice (by either rule), kept durably.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public int Queued => _queue.Reader.Count;
    public IReadOnlyList<LocationTotals> Locations => Volatile.Read(ref _locations);
    /// <summary>What became of every line each source sent, per location, in the open meet.</summary>
    public IReadOnlyList<SourceTally> Tallies => Volatile.Read(ref _tallies);
    /// <summary>The meet entries go to now.</summary>
    public MeetRecord Meet => Volatile.Read(ref _meet) ?? throw new InvalidOperationException("The store is not open.");
    /// <summary>Arrival on the socket to durable commit.</summary>
    public LatencyHistogram CommitLatency { get; } = new();
    /// <summary>The highest log id committed; everything up to it is durable and readable by other connections.</summary>
    public long LastId => Interlocked.Read(ref _lastId);

    /// <summary>Raised on the writer's thread after another meet became the open one (a meet folder naming a new meet).</summary>
    public event Action<MeetRecord>? MeetOpened;

    /// <summary>Completes once entries above <paramref name="afterId"/> are committed (at once if they already are).</summary>
    public async Task WaitForCommitAsync(long afterId, CancellationToken cancellationToken)
    {
        while (LastId <= afterId)
        {
            var committed = Volatile.Read(ref _committed).Task;
            if (LastId > afterId)
            {
                return;
            }

            await committed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public string DatabasePath => Path.GetFullPath(Path.Combine(_options.DataDir, EdgeDatabase.FileName));

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Open before the listener binds, so a box with a broken store never accepts a read it cannot keep.
        var started = time.GetTimestamp();
        _connection = EdgeDatabase.OpenWriter(_options.DataDir);
        _writer = new LogWriter(_connection);
        // Before the meet is read: a folder edit during a slow start is not missed.
        meetHost.Changed += OnMeetChanged;
        OpenMeetAtStart();
        PublishTotals();
        _lastId = _writer.NextId - 1;
        Volatile.Write(ref _health, new StoreHealth(StoreState.Healthy, null, null));
        LogOpened(DatabasePath, _meet!.Key.Length > 0 ? _meet.Key : "(waiting for a meet folder)", Reads, _writer.NextId - 1, (long)time.GetElapsedTime(started).TotalMilliseconds);
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Queues a read for the next commit; waits (without dropping) while the queue is full. <paramref name="arrivalTimestamp"/> is the injected <see cref="TimeProvider"/>'s timestamp.</summary>
    public ValueTask AppendAsync(in NewLogEntry entry, long arrivalTimestamp, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(new AppendRequest(entry, arrivalTimestamp), cancellationToken);

    /// <summary>Queues a refused line for the next commit, so it is accounted for under its source and location.</summary>
    public ValueTask RejectAsync(in RejectedLine line, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(new RejectRequest(line), cancellationToken);

    /// <summary>Registers a source (CTP01 connection id) or finds it, with the last sequence stored per location.</summary>
    public async Task<SourceInfo> OpenSourceAsync(string connectionId, string program, CancellationToken cancellationToken)
    {
        var request = new OpenSourceRequest(connectionId, program);
        await _queue.Writer.WriteAsync(request, cancellationToken);
        return await request.Result.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The timing source corrections are stored under: the console is a source like a controller.</summary>
    public const string ConsoleSource = "edge-console";

    /// <summary>
    /// Stores a timer's correction (a kind for which <see cref="LogKinds.IsCorrection"/> holds) in the open meet and
    /// returns its log id once it is committed. Its sequence number is its own log id, so no two collide.
    /// </summary>
    public async Task<long> AppendCorrectionAsync(LogKind kind, string tag, string location, long atMs, string json, CancellationToken cancellationToken)
    {
        if (!kind.IsCorrection())
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "only corrections are appended this way");
        }

        var request = new CorrectionRequest(new NewLogEntry(kind, 0, location, 0, tag, atMs, 0, "", 0, time.GetUtcNow().ToUnixTimeMilliseconds(), json));
        await _queue.Writer.WriteAsync(request, cancellationToken);
        return await request.Result.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Stores several of the timer's entries (kinds for which <see cref="LogKinds.IsCorrection"/> holds) in one commit:
    /// all or none. Returns their log ids in order once committed.
    /// </summary>
    public async Task<long[]> AppendCorrectionsAsync(IReadOnlyList<(LogKind Kind, string Tag, string Location, long AtMs, string Json)> entries, CancellationToken cancellationToken)
    {
        var receivedMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var batch = new NewLogEntry[entries.Count];
        for (var i = 0; i < batch.Length; i++)
        {
            var (kind, tag, location, atMs, json) = entries[i];
            if (!kind.IsCorrection())
            {
                throw new ArgumentOutOfRangeException(nameof(entries), kind, "only corrections are appended this way");
            }

            batch[i] = new NewLogEntry(kind, 0, location, 0, tag, atMs, 0, "", 0, receivedMs, json);
        }

        var request = new CorrectionsRequest(batch);
        await _queue.Writer.WriteAsync(request, cancellationToken);
        return await request.Result.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The writer's connection, for tests that change its limits while it retries.</summary>
    internal SqliteConnection? WriterConnection => _connection;

    /// <summary>Runs <paramref name="action"/> on the writer's connection between commits (tests inject faults with it).</summary>
    internal async Task OnWriterAsync(Action<SqliteConnection> action, CancellationToken cancellationToken)
    {
        var request = new WriterActionRequest(action);
        await _queue.Writer.WriteAsync(request, cancellationToken);
        await request.Done.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var appends = new List<AppendRequest>(_options.MaxBatch);
        var rejects = new List<RejectedLine>();
        var reader = _queue.Reader;
        // Not stoppingToken: the writer runs until the channel is completed and drained (StopAsync).
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var healthy = true;
            while (healthy && appends.Count + rejects.Count < _options.MaxBatch && Volatile.Read(ref _wanted) is null && reader.TryRead(out var request))
            {
                switch (request)
                {
                    case AppendRequest append:
                        appends.Add(append);
                        continue;
                    case RejectRequest reject:
                        rejects.Add(reject.Line);
                        continue;
                }

                healthy = Commit(appends, rejects);
                if (healthy)
                {
                    Execute(request);
                    healthy = Health.State != StoreState.Failed;
                }
                else
                {
                    Refuse(request);
                }
            }

            if (healthy)
            {
                healthy = Commit(appends, rejects) && OpenWantedMeet();
            }

            if (healthy)
            {
                continue;
            }

            // Failed for good: nothing more is taken. What waits in the queue was never acknowledged (the
            // sources' positions did not advance), so the middleware resends it to a box that can keep it.
            _queue.Writer.TryComplete();
            while (reader.TryRead(out var dropped))
            {
                Refuse(dropped);
            }
        }
    }

    /// <summary>
    /// Cancelled when the store fails for good: timing connections close at once, so the middleware keeps what it
    /// has and resends it (from the positions stored before the failure) to a box that can keep it.
    /// </summary>
    public CancellationToken Failure => _failure.Token;

    private void Fail(string problem)
    {
        Volatile.Write(ref _health, new StoreHealth(StoreState.Failed, problem, time.GetUtcNow()));
        _failure.Cancel();
    }

    private void Refuse(Request request)
    {
        var problem = new InvalidOperationException($"The store takes nothing more: {Health.Problem}");
        (request as OpenSourceRequest)?.Result.TrySetException(problem);
        (request as WriterActionRequest)?.Done.TrySetException(problem);
        (request as CorrectionRequest)?.Result.TrySetException(problem);
        (request as CorrectionsRequest)?.Result.TrySetException(problem);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        meetHost.Changed -= OnMeetChanged;
        await _stopping.CancelAsync();
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        // Close only after the writer has stopped: the last commit may still be running when the host's wait ends.
        if (ExecuteTask is { } writer)
        {
            await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _writer?.Dispose();
        _connection?.Dispose();
        Volatile.Write(ref _health, new StoreHealth(StoreState.Closed, null, time.GetUtcNow()));
        LogClosed(Reads);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        _failure.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// The meet folder's meet, or, when the folder cannot be read, the meet this box ran last (its event date and
    /// zone keep placing times); a box that never had a meet keeps entries for the first meet it will load.
    /// </summary>
    private void OpenMeetAtStart()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (meetHost.Loaded)
        {
            var ev = meetHost.Current.Event;
            _meet = _writer!.OpenMeet(ev.Key, ev.Name, DateText(ev.Date), ev.TimeZone.Id, now);
        }
        else if (_writer!.LastMeet() is { Key.Length: > 0 } last)
        {
            _writer.Resume(last);
            _meet = _writer.Meet;
            meetHost.UseStoredEvent(last.Key, last.Name, last.Date, last.TimeZone);
        }
        else
        {
            _meet = _writer.OpenWaitingMeet(now);
        }
    }

    /// <summary>
    /// A good folder load: the writer opens (or updates) its meet between two batches. Kept in a field, not queued
    /// behind reads: a full queue (a backlog, a disk being retried) must not lose or delay a meet switch. Reads
    /// still waiting in the queue at that moment go to the new meet, as reads arriving after the edit do.
    /// </summary>
    private void OnMeetChanged(Meet.Meet meet)
    {
        Volatile.Write(ref _wanted, meet.Event);
        _queue.Writer.TryWrite(WakeRequest.Instance);
    }

    /// <summary>Opens the meet the folder names now, if it differs from the open one; false when the store failed for good.</summary>
    private bool OpenWantedMeet()
    {
        if (Interlocked.Exchange(ref _wanted, null) is not { } ev)
        {
            return true;
        }

        var current = Volatile.Read(ref _meet);
        var date = DateText(ev.Date);
        if (current is not null && current.Key == ev.Key && current.Name == ev.Name && current.Date == date && current.TimeZone == ev.TimeZone.Id)
        {
            return true;
        }

        try
        {
            var opened = _writer!.OpenMeet(ev.Key, ev.Name, date, ev.TimeZone.Id, time.GetUtcNow().ToUnixTimeMilliseconds());
            _meetRetryDelay = FirstRetryDelay;
            if (Health.State == StoreState.Retrying)
            {
                Volatile.Write(ref _health, new StoreHealth(StoreState.Healthy, null, null));
                LogRecovered();
            }

            Volatile.Write(ref _meet, opened);
            PublishTotals();
            if (opened.Id != current?.Id)
            {
                LogMeetOpened(opened.Key, opened.IsNew ? "new" : "returning", opened.Id);
                MeetOpened?.Invoke(opened);
            }

            return true;
        }
        catch (SqliteException e) when (IsTransient(e) && !_stopping.IsCancellationRequested)
        {
            // Try again (a newer folder load wins over this one); nothing new is taken meanwhile, as for a commit.
            Interlocked.CompareExchange(ref _wanted, ev, null);
            if (Health.State != StoreState.Retrying)
            {
                Volatile.Write(ref _health, new StoreHealth(StoreState.Retrying, Describe(e), time.GetUtcNow()));
                LogMeetOpenFailed(e);
            }

            _stopping.Token.WaitHandle.WaitOne(_meetRetryDelay);
            _meetRetryDelay = TimeSpan.FromTicks(Math.Min(LongestRetryDelay.Ticks, _meetRetryDelay.Ticks * 2));
            _queue.Writer.TryWrite(WakeRequest.Instance);
            return true;
        }
        catch (Exception e)
        {
            var problem = e is SqliteException sqlite ? Describe(sqlite) : e.Message;
            Fail(problem);
            LogWriteFailed(e, problem);
            return false;
        }
    }

    private bool Commit(List<AppendRequest> batch, List<RejectedLine> rejects)
    {
        if (batch.Count == 0 && rejects.Count == 0)
        {
            return true;
        }

        var entries = new NewLogEntry[batch.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = batch[i].Entry;
        }

        var ids = new long[entries.Length];
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                _writer!.Append(entries, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rejects), ids);
                if (Health.State != StoreState.Healthy)
                {
                    Volatile.Write(ref _health, new StoreHealth(StoreState.Healthy, null, null));
                    LogRecovered();
                }

                break;
            }
            catch (SqliteException e) when (IsTransient(e) && !_stopping.IsCancellationRequested)
            {
                // A full or failing disk: keep the batch and retry rather than drop reads; connections wait
                // on the full queue meanwhile, so nothing new is acknowledged either.
                if (Health.State != StoreState.Retrying)
                {
                    Volatile.Write(ref _health, new StoreHealth(StoreState.Retrying, Describe(e), time.GetUtcNow()));
                    LogCommitRetrying(e, batch.Count + rejects.Count);
                }

                _stopping.Token.WaitHandle.WaitOne(delay);
                delay = TimeSpan.FromTicks(Math.Min(LongestRetryDelay.Ticks, delay.Ticks * 2));
            }
            catch (Exception e)
            {
                var problem = _stopping.IsCancellationRequested && e is SqliteException s && IsTransient(s)
                    ? $"shut down while retrying: {Describe(s)}"
                    : e is SqliteException sqlite ? Describe(sqlite) : e.Message;
                Fail(problem);
                LogCommitFailed(e, batch.Count + rejects.Count, problem);
                batch.Clear();
                rejects.Clear();
                return false;
            }
        }

        var committedAt = time.GetTimestamp();
        for (var i = 0; i < ids.Length; i++)
        {
            CommitLatency.Record(time.GetElapsedTime(batch[i].ArrivalTimestamp, committedAt));
        }

        PublishTotals();
        batch.Clear();
        rejects.Clear();
        PublishCommitted();
        return true;
    }

    /// <summary>Tells waiters (the results service, correction requests) that entries up to the writer's last id are committed.</summary>
    private void PublishCommitted()
    {
        if (_writer!.NextId - 1 > LastId)
        {
            Interlocked.Exchange(ref _lastId, _writer.NextId - 1);
            Interlocked.Exchange(ref _committed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    /// <summary>
    /// SQLite's primary result codes that can pass: busy or locked by another process, disk full, an I/O error
    /// (a card that hiccups), out of memory. Everything else (corrupt, read-only, not a database, no permission)
    /// does not get better by retrying.
    /// </summary>
    internal static bool IsTransient(SqliteException e) => (e.SqliteErrorCode & 0xFF) is 5 or 6 or 7 or 10 or 13;

    private static string Describe(SqliteException e) => $"{e.Message.TrimEnd('.')} (SQLite error {e.SqliteExtendedErrorCode})";

    private void Execute(Request request)
    {
        try
        {
            switch (request)
            {
                case OpenSourceRequest open:
                    open.Result.TrySetResult(_writer!.OpenSource(open.ConnectionId, open.Program, time.GetUtcNow().ToUnixTimeMilliseconds()));
                    break;
                case WriterActionRequest action:
                    action.Action(_connection!);
                    action.Done.TrySetResult();
                    break;
                case CorrectionRequest correction:
                    correction.Result.TrySetResult(AppendCorrection(correction.Entry));
                    break;
                case CorrectionsRequest corrections:
                    corrections.Result.TrySetResult(AppendCorrections(corrections.Entries));
                    break;
            }
        }
        catch (Exception e) when (request is OpenSourceRequest or WriterActionRequest or CorrectionRequest or CorrectionsRequest)
        {
            if (e is SqliteException sqlite && !IsTransient(sqlite))
            {
                Fail(Describe(sqlite));
                LogWriteFailed(e, Describe(sqlite));
            }

            (request as OpenSourceRequest)?.Result.TrySetException(e);
            (request as WriterActionRequest)?.Done.TrySetException(e);
            (request as CorrectionRequest)?.Result.TrySetException(e);
            (request as CorrectionsRequest)?.Result.TrySetException(e);
        }
    }

    private long AppendCorrection(NewLogEntry entry)
    {
        _consoleSource ??= _writer!.OpenSource(ConsoleSource, "edge console", entry.ReceivedMs).Id;
        var stored = new long[1];
        _writer!.Append([entry with { SourceId = _consoleSource.Value, Sequence = _writer.NextId }], stored);
        PublishCommitted();
        return stored[0];
    }

    private long[] AppendCorrections(NewLogEntry[] entries)
    {
        _consoleSource ??= _writer!.OpenSource(ConsoleSource, "edge console", entries[0].ReceivedMs).Id;
        var first = _writer!.NextId;
        for (var i = 0; i < entries.Length; i++)
        {
            // Each entry's sequence number is its own log id, as for one correction.
            entries[i] = entries[i] with { SourceId = _consoleSource.Value, Sequence = first + i };
        }

        var stored = new long[entries.Length];
        _writer.Append(entries, stored);
        PublishCommitted();
        return stored;
    }

    private void PublishTotals()
    {
        Volatile.Write(ref _locations, [.. _writer!.Locations.OrderBy(l => l.Name, StringComparer.Ordinal)]);
        var tallies = _writer.Tallies();
        Volatile.Write(ref _tallies, tallies);
        Interlocked.Exchange(ref _reads, _locations.Sum(l => l.Reads));
        Interlocked.Exchange(ref _guns, _locations.Sum(l => l.Guns));
        Interlocked.Exchange(ref _duplicates, tallies.Sum(t =>
            t.Outcomes.GetValueOrDefault(LineOutcomes.Resent) + t.Outcomes.GetValueOrDefault(LineOutcomes.SameRead)));
    }

    private static string? DateText(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private abstract record Request;

    private sealed record AppendRequest(NewLogEntry Entry, long ArrivalTimestamp) : Request;

    private sealed record RejectRequest(RejectedLine Line) : Request;

    /// <summary>Nothing to do but look at <see cref="_wanted"/>: wakes an idle writer.</summary>
    private sealed record WakeRequest : Request
    {
        public static WakeRequest Instance { get; } = new();
    }

    private sealed record OpenSourceRequest(string ConnectionId, string Program) : Request
    {
        public TaskCompletionSource<SourceInfo> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record CorrectionRequest(NewLogEntry Entry) : Request
    {
        public TaskCompletionSource<long> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record CorrectionsRequest(NewLogEntry[] Entries) : Request
    {
        public TaskCompletionSource<long[]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record WriterActionRequest(Action<SqliteConnection> Action) : Request
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store open at {Path}, meet '{Meet}': {Reads} reads, last log id {LastId} ({Ms} ms)")]
    private partial void LogOpened(string path, string meet, long reads, long lastId, long ms);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store closed with {Reads} reads")]
    private partial void LogClosed(long reads);

    [LoggerMessage(Level = LogLevel.Information, Message = "Meet '{Meet}' is open ({Kind}, meet {Id}): new entries belong to it")]
    private partial void LogMeetOpened(string meet, string kind, long id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Opening the meet folder's meet in the store failed; retrying (entries stay with the meet open before meanwhile)")]
    private partial void LogMeetOpenFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Commit of {Count} entries failed; retrying until it succeeds (no new reads are taken meanwhile)")]
    private partial void LogCommitRetrying(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Commits succeed again")]
    private partial void LogRecovered();

    [LoggerMessage(Level = LogLevel.Critical, Message = "Writing to the store failed for good ({Problem}); the store takes nothing more until the box restarts, and the timing sources resend what was not stored")]
    private partial void LogWriteFailed(Exception exception, string problem);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Commit of {Count} entries failed for good ({Problem}); the store takes nothing more until the box restarts, and the timing sources resend what was not stored")]
    private partial void LogCommitFailed(Exception exception, int count, string problem);
}
