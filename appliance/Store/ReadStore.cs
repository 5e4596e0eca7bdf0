using System.Diagnostics;
using System.Threading.Channels;
using Edge.Store;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Store;

/// <summary>
/// The one writer of <c>edge.db</c>. Connections hand it entries over a bounded channel; it commits whatever
/// is waiting in one durable transaction (group commit, WAL, synchronous=FULL). An entry counts as received
/// only once that commit returns. Shutdown drains the channel before closing the database.
/// </summary>
public sealed partial class ReadStore(IOptions<StoreOptions> options, TimeProvider time, ILogger<ReadStore> logger) : BackgroundService
{
    private readonly StoreOptions _options = options.Value;
    private readonly Channel<Request> _queue = Channel.CreateBounded<Request>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private LogWriter? _writer;
    private Microsoft.Data.Sqlite.SqliteConnection? _connection;
    private long _reads;
    private long _guns;
    private long _duplicates;
    private IReadOnlyList<LocationTotals> _locations = [];
    private long _lastId;
    private TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsOpen => _writer is not null && !_queue.Reader.Completion.IsCompleted;

    /// <summary>Reads stored, in total.</summary>
    public long Reads => Interlocked.Read(ref _reads);
    public long Guns => Interlocked.Read(ref _guns);
    /// <summary>Entries that arrived again and were not stored twice (since start).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public int Queued => _queue.Reader.Count;
    public IReadOnlyList<LocationTotals> Locations => Volatile.Read(ref _locations);
    /// <summary>Arrival on the socket to durable commit.</summary>
    public LatencyHistogram CommitLatency { get; } = new();
    /// <summary>The highest log id committed; everything up to it is durable and readable by other connections.</summary>
    public long LastId => Interlocked.Read(ref _lastId);

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
        _connection = EdgeDatabase.OpenWriter(_options.DataDir);
        _writer = new LogWriter(_connection);
        PublishTotals();
        _lastId = _writer.NextId - 1;
        LogOpened(DatabasePath, Reads, _writer.NextId - 1);
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Queues a read for the next commit; waits (without dropping) while the queue is full.</summary>
    public ValueTask AppendAsync(in NewLogEntry entry, long arrivalTimestamp, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(new AppendRequest(entry, arrivalTimestamp), cancellationToken);

    /// <summary>Registers a source (CTP01 connection id) or finds it, with the last sequence stored per location.</summary>
    public async Task<SourceInfo> OpenSourceAsync(string connectionId, string program, CancellationToken cancellationToken)
    {
        var request = new OpenSourceRequest(connectionId, program);
        await _queue.Writer.WriteAsync(request, cancellationToken);
        return await request.Result.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AppendRequest>(_options.MaxBatch);
        var reader = _queue.Reader;
        // Not stoppingToken: the writer runs until the channel is completed and drained (StopAsync).
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < _options.MaxBatch && reader.TryRead(out var request))
            {
                if (request is AppendRequest append)
                {
                    batch.Add(append);
                    continue;
                }

                Commit(batch);
                Execute((OpenSourceRequest)request);
            }

            Commit(batch);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        _writer?.Dispose();
        _connection?.Dispose();
        LogClosed(Reads);
    }

    private void Commit(List<AppendRequest> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var entries = new NewLogEntry[batch.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = batch[i].Entry;
        }

        var ids = new long[entries.Length];
        while (true)
        {
            try
            {
                _writer!.Append(entries, ids);
                break;
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                // A full or failing disk: keep the batch and retry rather than drop reads; connections wait
                // on the full queue meanwhile, so nothing new is acknowledged either.
                LogCommitFailed(e, batch.Count);
                Thread.Sleep(TimeSpan.FromSeconds(1));
            }
        }

        var committedAt = Stopwatch.GetTimestamp();
        long reads = 0, guns = 0, duplicates = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            CommitLatency.Record(Stopwatch.GetElapsedTime(batch[i].ArrivalTimestamp, committedAt));
            if (ids[i] == 0)
            {
                duplicates++;
            }
            else if (entries[i].Kind == LogKind.Gun)
            {
                guns++;
            }
            else
            {
                reads++;
            }
        }

        Interlocked.Add(ref _reads, reads);
        Interlocked.Add(ref _guns, guns);
        Interlocked.Add(ref _duplicates, duplicates);
        Volatile.Write(ref _locations, [.. _writer!.Locations.OrderBy(l => l.Name, StringComparer.Ordinal)]);
        batch.Clear();
        if (_writer.NextId - 1 > LastId)
        {
            Interlocked.Exchange(ref _lastId, _writer.NextId - 1);
            Interlocked.Exchange(ref _committed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private void Execute(OpenSourceRequest request)
    {
        try
        {
            request.Result.TrySetResult(_writer!.OpenSource(request.ConnectionId, request.Program, time.GetUtcNow().ToUnixTimeMilliseconds()));
        }
        catch (Exception e)
        {
            request.Result.TrySetException(e);
        }
    }

    private void PublishTotals()
    {
        _locations = [.. _writer!.Locations.OrderBy(l => l.Name, StringComparer.Ordinal)];
        _reads = _locations.Sum(l => l.Reads);
        _guns = _locations.Sum(l => l.Guns);
    }

    private abstract record Request;

    private sealed record AppendRequest(NewLogEntry Entry, long ArrivalTimestamp) : Request;

    private sealed record OpenSourceRequest(string ConnectionId, string Program) : Request
    {
        public TaskCompletionSource<SourceInfo> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store open at {Path}: {Reads} reads, last log id {LastId}")]
    private partial void LogOpened(string path, long reads, long lastId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store closed with {Reads} reads")]
    private partial void LogClosed(long reads);

    [LoggerMessage(Level = LogLevel.Error, Message = "Commit of {Count} entries failed; retrying")]
    private partial void LogCommitFailed(Exception exception, int count);
}
