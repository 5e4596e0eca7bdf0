using Edge.Appliance.Results;
using Npgsql;

namespace Edge.Cloud.Events;

/// <summary>
/// One event's results: the box's own <see cref="ResultsEngine"/>, fed with the merged entries of all the event's
/// boxes. At start it replays everything landed so far, then looks for newly landed entries every
/// <see cref="EventOptions.EventPollInterval"/>, applying each batch at once and publishing an immutable snapshot and
/// a change notice, as the box does after each commit. A failure (the database away, say) is retried without losing
/// the place; one in the engine starts over from the database, since results can always be rebuilt.
/// </summary>
public sealed partial class EventResults : IAsyncDisposable
{
    /// <summary>Entries per box per read while replaying, and while following.</summary>
    private const int ReplayPageSize = 50_000;
    private const int TailPageSize = 4_096;

    private readonly NpgsqlDataSource _database;
    private readonly TimeSpan _poll;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _running = Task.CompletedTask;
    private ResultsSnapshot _current;
    private State _state;
    private bool _databaseAway;
    private int _disposed;

    public EventResults(CloudEvent definition, NpgsqlDataSource database, TimeSpan poll, TimeProvider time, ILogger log, TimeSpan? postEvery = null)
    {
        Definition = definition;
        _database = database;
        _poll = poll;
        _time = time;
        _log = log;
        _state = new State(definition, database);
        _current = _state.Engine.Snapshot;
        Posting = new EventPosting(this, database, postEvery ?? TimeSpan.FromSeconds(5), time, log);
    }

    /// <summary>The event's results posted to RunSignUp (meet.json <c>runsignup</c>), by one instance at a time.</summary>
    public EventPosting Posting { get; }

    public CloudEvent Definition { get; }

    /// <summary>Results as of the last applied batch (before the first replay ends: the meet with nobody seen).</summary>
    public ResultsSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Completes when the first replay has been published.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Raised after each applied batch, on the event's own loop.</summary>
    public event Action<ResultsChange>? Changed;

    /// <summary>How long the last replay took and how many entries it took in.</summary>
    public (TimeSpan Elapsed, long Entries) LastRebuild { get; private set; }

    /// <summary>The problem standing in the way now (the database not answering), or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>Entries the engine has taken in, same reads left out, and where each box has been read to.</summary>
    public (long Entries, long SameReads, long VoidsOfNothing, IReadOnlyList<(EventBox Box, int Epoch, long ReadTo, long LandedTo)> Boxes) Progress
    {
        get
        {
            var state = Volatile.Read(ref _state);
            return (state.Merge.LastId, state.Merge.SameReads, state.Merge.VoidsOfNothing, state.Log.Progress);
        }
    }

    public void Start()
    {
        _running = RunAsync(_stop.Token);
        Posting.Start();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        await Task.Yield();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                // The place is kept (what was read is in the engine): go on from it once the database answers.
                if (!_databaseAway)
                {
                    _databaseAway = true;
                    LogDatabaseAway(Definition.Id, e.Message);
                }

                Problem = $"database: {e.Message}";
            }
            catch (Exception e)
            {
                Problem = $"results: {e.Message}";
                LogFailed(e, Definition.Id);
                Volatile.Write(ref _state, new State(Definition, _database));
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task FollowAsync(CancellationToken stop)
    {
        var state = Volatile.Read(ref _state);
        if (!state.Replayed)
        {
            var clock = _time.GetTimestamp();
            var entries = await state.Log.ReadAsync(ReplayPageSize, chunk => state.Add(chunk), stop).ConfigureAwait(false);
            state.Engine.Publish();
            state.Engine.TrimExcess();
            state.Replayed = true;
            LastRebuild = (_time.GetElapsedTime(clock), entries);
            Publish(state, new ResultsChange(state.Engine.Snapshot.Version, state.Engine.LastLogId, [.. state.Engine.Snapshot.Races.Keys], [], []));
            _ready.TrySetResult();
            LogReplayed(Definition.Id, entries, Definition.Boxes.Count, (long)LastRebuild.Elapsed.TotalMilliseconds);
        }

        using var timer = new PeriodicTimer(_poll, _time);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            var taken = await state.Log.ReadAsync(TailPageSize, chunk => state.Add(chunk), stop).ConfigureAwait(false);
            if (_databaseAway)
            {
                _databaseAway = false;
                LogDatabaseBack(Definition.Id);
            }

            Problem = null;

            if (taken > 0)
            {
                Publish(state, state.Engine.Publish());
            }
        }
    }

    private void Publish(State state, ResultsChange change)
    {
        Volatile.Write(ref _current, state.Engine.Snapshot);
        Changed?.Invoke(change);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Posting.DisposeAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    /// <summary>An engine, the merge feeding it and the log it reads: replaced together when the engine must start over.</summary>
    private sealed class State(CloudEvent definition, NpgsqlDataSource database)
    {
        private readonly List<EngineEntry> _buffer = [];

        public ResultsEngine Engine { get; } = new(definition.Meet);
        public EventMerge Merge { get; } = new();
        public EventLog Log { get; } = new(database, definition.Boxes);
        public bool Replayed { get; set; }

        public void Add(List<LandedEntry> chunk)
        {
            _buffer.Clear();
            Merge.Take(chunk, _buffer);
            Engine.Add(_buffer);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId}: results replayed from {Entries} entries of {Boxes} boxes in {Milliseconds} ms")]
    private partial void LogReplayed(string eventId, long entries, int boxes, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId}: the database does not answer ({Error}); results wait and go on from where they were")]
    private partial void LogDatabaseAway(string eventId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId}: the database answers again")]
    private partial void LogDatabaseBack(string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId}: results failed; rebuilding them from the database")]
    private partial void LogFailed(Exception exception, string eventId);
}
