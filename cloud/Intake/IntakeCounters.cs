namespace Edge.Cloud.Intake;

/// <summary>This instance's running totals, for <c>/metrics</c> and the status page.</summary>
public sealed class IntakeCounters
{
    private long _messages;
    private long _batches;
    private long _entries;
    private long _repeats;
    private long _aheadWaits;
    private long _gaps;
    private long _rejected;
    private long _databaseErrors;
    private long _dropped;
    private long _held;
    private long _connects;
    private int _connected;

    public long Messages => Volatile.Read(ref _messages);
    public long Batches => Volatile.Read(ref _batches);
    public long Entries => Volatile.Read(ref _entries);
    public long Repeats => Volatile.Read(ref _repeats);
    public long AheadWaits => Volatile.Read(ref _aheadWaits);
    public long Gaps => Volatile.Read(ref _gaps);
    public long Rejected => Volatile.Read(ref _rejected);
    public long DatabaseErrors => Volatile.Read(ref _databaseErrors);

    /// <summary>Messages given up unacknowledged because their connection ended (the broker sends them again).</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Messages received and not yet acknowledged.</summary>
    public long Held => Volatile.Read(ref _held);

    public long Connects => Volatile.Read(ref _connects);
    public bool Connected => Volatile.Read(ref _connected) != 0;

    public void Received()
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Increment(ref _held);
    }

    public void Finished() => Interlocked.Decrement(ref _held);

    public void Landed(int inserted, int repeated)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _entries, inserted);
        Interlocked.Add(ref _repeats, repeated);
    }

    public void Ahead() => Interlocked.Increment(ref _aheadWaits);
    public void Gap() => Interlocked.Increment(ref _gaps);
    public void Reject() => Interlocked.Increment(ref _rejected);
    public void DatabaseError() => Interlocked.Increment(ref _databaseErrors);
    public void Drop() => Interlocked.Increment(ref _dropped);

    public void Connection(bool up)
    {
        if (up)
        {
            Interlocked.Increment(ref _connects);
        }

        Volatile.Write(ref _connected, up ? 1 : 0);
    }
}
