using System.Collections.Concurrent;
using System.Threading.Channels;
using Edge.Cloud.Landing;

namespace Edge.Cloud.Intake;

/// <summary>A message as it came from the broker, with the way to acknowledge it on the connection it came on.</summary>
public sealed record Delivery(long Connection, string Device, string Topic, byte[] Payload, long ArrivedTicks, Func<CancellationToken, Task> Acknowledge);

/// <summary>
/// One lane per box: a box's messages are landed one at a time, lowest ids first, so its entries commit in the box's
/// order; a box waiting for a predecessor held by another instance never holds up any other box. Each lane is a
/// loop of its own, started with the box's first message.
/// </summary>
public sealed class DeviceLanes(
    LogLanding landing,
    BoxReports reports,
    IntakeCounters counters,
    CloudOptions options,
    TimeProvider time,
    ILogger<DeviceLanes> log)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan AheadRetryMax = TimeSpan.FromMilliseconds(500);

    /// <summary>Most entries landed in one transaction when consecutive batches are waiting.</summary>
    private const int RunItems = 5_000;

    private readonly LogLanding _landing = landing;
    private readonly BoxReports _reports = reports;
    private readonly IntakeCounters _counters = counters;
    private readonly CloudOptions _options = options;
    private readonly TimeProvider _time = time;
    private readonly ILogger _log = log;
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly List<Task> _loops = [];
    private CancellationToken _stop;
    private long _connection;

    /// <summary>The broker connection now in use; deliveries from earlier ones can no longer be acknowledged.</summary>
    public long CurrentConnection
    {
        get => Volatile.Read(ref _connection);
        set => Volatile.Write(ref _connection, value);
    }

    public void Start(CancellationToken stop) => _stop = stop;

    public void Add(Delivery delivery)
    {
        _counters.Received();
        var lane = _lanes.GetOrAdd(delivery.Device, device => new Lane(this, device));
        if (!lane.Inbox.Writer.TryWrite(delivery))
        {
            _counters.Finished();
        }
    }

    /// <summary>Lets every lane finish what it is doing and waits for them.</summary>
    public async Task StopAsync()
    {
        foreach (var lane in _lanes.Values)
        {
            lane.Inbox.Writer.TryComplete();
        }

        Task[] loops;
        lock (_loops)
        {
            loops = [.. _loops];
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private void Started(Task loop)
    {
        lock (_loops)
        {
            _loops.Add(loop);
        }
    }

    private sealed class Lane
    {
        private readonly DeviceLanes _owner;
        private readonly string _device;
        private readonly List<Pending> _held = [];
        private TimeSpan _retry = TimeSpan.Zero;
        private bool _databaseDown;

        public Lane(DeviceLanes owner, string device)
        {
            _owner = owner;
            _device = device;
            owner.Started(RunAsync());
        }

        public Channel<Delivery> Inbox { get; } = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });

        private async Task RunAsync()
        {
            await Task.Yield();
            var stop = _owner._stop;
            try
            {
                while (true)
                {
                    if (_held.Count == 0)
                    {
                        if (!await Inbox.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
                        {
                            return;
                        }
                    }
                    else if (_retry > TimeSpan.Zero)
                    {
                        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stop);
                        var arrived = Inbox.Reader.WaitToReadAsync(wake.Token).AsTask();
                        var delay = Task.Delay(_retry, _owner._time, wake.Token);
                        await Task.WhenAny(arrived, delay).ConfigureAwait(false);
                        await wake.CancelAsync().ConfigureAwait(false);
                        stop.ThrowIfCancellationRequested();
                    }

                    while (Inbox.Reader.TryRead(out var delivery))
                    {
                        Hold(delivery);
                    }

                    await LandHeldAsync(stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Shutting down: what is still held is unacknowledged, and the broker keeps it for this session.
            }
        }

        /// <summary>Reads the message now, once; keeps the held ones in id order (status and snapshots first).</summary>
        private void Hold(Delivery delivery)
        {
            var pending = Pending.Read(delivery);
            var at = _held.FindIndex(p => p.Order > pending.Order);
            _held.Insert(at < 0 ? _held.Count : at, pending);
        }

        private async Task LandHeldAsync(CancellationToken stop)
        {
            var owner = _owner;
            _retry = TimeSpan.Zero;
            while (_held.Count > 0)
            {
                var pending = _held[0];
                if (pending.Delivery.Connection != owner.CurrentConnection)
                {
                    // Its connection is gone: the broker sends it again on the new one, to this session.
                    _held.RemoveAt(0);
                    owner._counters.Drop();
                    owner._counters.Finished();
                    continue;
                }

                // A backlog arrives as many consecutive batches: they land together, in one transaction.
                var run = Run();
                int done;
                try
                {
                    done = run.Count > 1 ? await LandRunAsync(run, stop).ConfigureAwait(false) : await LandAsync(pending, stop).ConfigureAwait(false) ? 1 : 0;
                    if (_databaseDown)
                    {
                        _databaseDown = false;
                        owner._log.LogInformation("Database reachable again; landing {Device}'s messages", _device);
                    }
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    // Nothing is acknowledged that did not commit: the message stays held and is tried again.
                    owner._counters.DatabaseError();
                    if (e is not (Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or IOException))
                    {
                        owner._log.LogError(e, "Landing {Device}'s message on {Topic} failed, will retry", _device, pending.Delivery.Topic);
                    }
                    else if (!_databaseDown)
                    {
                        _databaseDown = true;
                        owner._log.LogWarning("Could not land {Device}'s message, will retry: {Error}", _device, e.Message);
                    }

                    _retry = _retry == TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : Min(_retry * 2, owner._options.BackoffMax);
                    return;
                }

                if (done == 0)
                {
                    _retry = _retry == TimeSpan.Zero ? FirstRetry : Min(_retry * 2, AheadRetryMax);
                    return;
                }

                _held.RemoveRange(0, done);
                foreach (var landed in run.Take(done))
                {
                    owner._counters.Finished();
                    await AcknowledgeAsync(landed.Delivery, stop).ConfigureAwait(false);
                }
            }
        }

        /// <summary>The held batches from the head on that follow each other without a hole, up to <see cref="RunItems"/> entries.</summary>
        private List<Pending> Run()
        {
            var run = new List<Pending> { _held[0] };
            if (_held[0].Message is not SyncBatch head)
            {
                return run;
            }

            var last = head.Last;
            var items = head.Count;
            for (var i = 1; i < _held.Count && _held[i] is { Message: SyncBatch next } pending && pending.Delivery.Connection == _held[0].Delivery.Connection
                            && next.First <= last + 1 && items + next.Count <= RunItems; i++)
            {
                run.Add(pending);
                last = Math.Max(last, next.Last);
                items += next.Count;
            }

            return run;
        }

        /// <summary>Lands the run in one transaction; returns how many of its messages are finished with (0: wait).</summary>
        private async Task<int> LandRunAsync(List<Pending> run, CancellationToken stop)
        {
            var owner = _owner;
            var first = (SyncBatch)run[0].Message!;
            var items = new List<SyncItem>(first.Items);
            var last = first.Last;
            foreach (var pending in run.Skip(1))
            {
                var batch = (SyncBatch)pending.Message!;
                items.AddRange(batch.Items.Where(item => item.Id > last));
                last = Math.Max(last, batch.Last);
            }

            var joined = first with { Last = last, Count = items.Count, Items = items };
            var waited = owner._time.GetElapsedTime(run[0].Delivery.ArrivedTicks);
            var landed = await owner._landing.LandAsync(joined, force: waited >= owner._options.GapWait, stop, messages: run.Count).ConfigureAwait(false);
            switch (landed.Outcome)
            {
                case LandingOutcome.Ahead:
                    owner._counters.Ahead();
                    return 0;
                case LandingOutcome.Conflict:
                    // One of them contradicts what is stored: go on one message at a time, so only that one is kept aside.
                    return await LandAsync(run[0], stop).ConfigureAwait(false) ? 1 : 0;
            }

            owner._counters.Landed(landed.Inserted, run.Sum(p => ((SyncBatch)p.Message!).Count) - landed.Inserted);
            NoteGap(landed, joined);
            return run.Count;
        }

        private void NoteGap(Landed landed, SyncBatch batch)
        {
            if (landed.Gap is { } gap)
            {
                _owner._counters.Gap();
                _owner._log.LogWarning("{Device}: ids {From}..{To} had not arrived after {Wait}; stored {First}..{Last} and recorded the gap",
                    _device, gap.First, gap.Last, _owner._options.GapWait, batch.First, batch.Last);
            }
        }

        /// <summary>True when the message is finished with (stored, or kept aside as unreadable) and may be acknowledged.</summary>
        private async Task<bool> LandAsync(Pending pending, CancellationToken stop)
        {
            var owner = _owner;
            var delivery = pending.Delivery;
            if (pending.Error is { } error)
            {
                await RejectAsync(delivery, error, stop).ConfigureAwait(false);
                return true;
            }

            switch (pending.Message)
            {
                case SyncBatch batch:
                    var waited = owner._time.GetElapsedTime(delivery.ArrivedTicks);
                    var landed = await owner._landing.LandAsync(batch, force: waited >= owner._options.GapWait, stop).ConfigureAwait(false);
                    switch (landed.Outcome)
                    {
                        case LandingOutcome.Ahead:
                            owner._counters.Ahead();
                            return false;
                        case LandingOutcome.Conflict:
                            await RejectAsync(delivery, $"ids {batch.First}..{batch.Last} are stored already with other content (epoch {landed.Epoch})", stop)
                                .ConfigureAwait(false);
                            return true;
                    }

                    owner._counters.Landed(landed.Inserted, landed.Repeated);
                    NoteGap(landed, batch);
                    return true;
                case SyncStatus status:
                    await owner._reports.StatusAsync(status, stop).ConfigureAwait(false);
                    return true;
                case SyncSnapshot snapshot:
                    await owner._reports.SnapshotAsync(snapshot, stop).ConfigureAwait(false);
                    return true;
                default:
                    return true;
            }
        }

        private async Task RejectAsync(Delivery delivery, string reason, CancellationToken stop)
        {
            _owner._counters.Reject();
            _owner._log.LogWarning("Kept aside a message on {Topic} from {Device}: {Reason}", delivery.Topic, _device, reason);
            await _owner._reports.RejectedAsync(delivery.Topic, reason, delivery.Payload, stop).ConfigureAwait(false);
        }

        private async Task AcknowledgeAsync(Delivery delivery, CancellationToken stop)
        {
            try
            {
                await delivery.Acknowledge(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                // Stored, but the connection went before the PUBACK: the broker sends it again and it lands as a repeat.
                _owner._log.LogDebug("Acknowledgement for {Device} not sent: {Error}", _device, e.Message);
            }
        }

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }

    /// <summary>A held message, read once: its batch, status or snapshot, or why it could not be read.</summary>
    private sealed record Pending(Delivery Delivery, object? Message, string? Error, long Order)
    {
        public static Pending Read(Delivery delivery)
        {
            try
            {
                var topic = delivery.Topic;
                return topic switch
                {
                    "reads" or "corrections" when SyncMessages.ReadBatch(delivery.Payload, delivery.Device, topic) is var batch =>
                        new Pending(delivery, batch, null, batch.First),
                    "status" => new Pending(delivery, SyncMessages.ReadStatus(delivery.Payload, delivery.Device), null, 0),
                    _ => new Pending(delivery, SyncMessages.ReadSnapshot(delivery.Payload, delivery.Device, topic), null, 0),
                };
            }
            catch (FormatException e)
            {
                return new Pending(delivery, null, e.Message, 0);
            }
        }
    }
}
