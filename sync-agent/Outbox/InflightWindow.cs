namespace Edge.SyncAgent.Outbox;

/// <summary>
/// Messages published on the current connection and not yet known to be safe, in publish order. Each covers the
/// log ids after the previous one's last id up to its own <c>Last</c>. The acknowledged watermark only moves over
/// a contiguous prefix of acknowledged messages, whatever order PUBACKs arrive in.
/// </summary>
public sealed class InflightWindow
{
    private readonly Queue<Entry> _order = new();
    private readonly Dictionary<int, Entry> _byMid = [];

    /// <summary>Messages published and not yet part of the watermark.</summary>
    public int Count => _order.Count;

    /// <summary>Highest id published on this connection (the watermark when nothing is in flight).</summary>
    public long SentUpTo { get; private set; }

    /// <summary>Every id up to this has been acknowledged.</summary>
    public long Watermark { get; private set; }

    /// <summary>Starts over from <paramref name="watermark"/>: whatever was in flight is to be sent again.</summary>
    public void Reset(long watermark)
    {
        _order.Clear();
        _byMid.Clear();
        Watermark = watermark;
        SentUpTo = watermark;
    }

    /// <summary>When the oldest message in flight was published (a monotonic timestamp); meaningless when <see cref="Count"/> is 0.</summary>
    public long OldestPublishedTicks => _order.TryPeek(out var head) ? head.PublishedTicks : 0;

    public void Published(int mid, long last, long publishedTicks)
    {
        var entry = new Entry(mid, last, publishedTicks);
        _order.Enqueue(entry);
        _byMid[mid] = entry;
        SentUpTo = last;
    }

    /// <summary>True when the message id is an outbox message in flight.</summary>
    public bool Carries(int mid) => _byMid.ContainsKey(mid);

    /// <summary>Records a PUBACK; returns true when the watermark moved. Unknown ids (status, snapshots) are ignored.</summary>
    public bool Acknowledged(int mid)
    {
        if (!_byMid.Remove(mid, out var entry))
        {
            return false;
        }

        entry.Acked = true;
        var moved = false;
        while (_order.TryPeek(out var head) && head.Acked)
        {
            _order.Dequeue();
            Watermark = head.Last;
            moved = true;
        }

        return moved;
    }

    private sealed class Entry(int mid, long last, long publishedTicks)
    {
        public int Mid { get; } = mid;
        public long Last { get; } = last;
        public long PublishedTicks { get; } = publishedTicks;
        public bool Acked { get; set; }
    }
}
