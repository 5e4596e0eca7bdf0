using System.Collections.Concurrent;

namespace Edge.Appliance.Ingest;

/// <summary>One open CTP01 connection as <c>/api/status</c> shows it.</summary>
public sealed class TimingConnection(long id, string remoteAddress, DateTimeOffset connectedAt)
{
    private long _reads;

    public long Id { get; } = id;
    public string RemoteAddress { get; } = remoteAddress;
    public DateTimeOffset ConnectedAt { get; } = connectedAt;
    public string? Greeting { get; set; }
    public string? ConnectionId { get; set; }
    public string? EventInfo { get; set; }
    public IReadOnlyList<string> Locations { get; set; } = [];
    public long Reads => Interlocked.Read(ref _reads);

    public void CountRead() => Interlocked.Increment(ref _reads);
}

/// <summary>Live connections and rejection counters of the timing listener (since the box started).</summary>
public sealed class IngestStatus
{
    private readonly ConcurrentDictionary<long, TimingConnection> _connections = new();
    private readonly long[] _rejected = new long[Enum.GetValues<RejectReason>().Length];
    private long _nextId;

    /// <summary>Set once the listener's socket is bound and accepting.</summary>
    public bool Accepting { get; set; }

    public int Count => _connections.Count;

    public TimingConnection Open(string remoteAddress, DateTimeOffset now)
    {
        var connection = new TimingConnection(Interlocked.Increment(ref _nextId), remoteAddress, now);
        _connections[connection.Id] = connection;
        return connection;
    }

    public void Close(TimingConnection connection) => _connections.TryRemove(connection.Id, out _);

    public void Reject(RejectReason reason) => Interlocked.Increment(ref _rejected[(int)reason]);

    public IReadOnlyCollection<TimingConnection> Connections => [.. _connections.Values.OrderBy(c => c.Id)];

    public IReadOnlyDictionary<string, long> Rejected()
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var reason in Enum.GetValues<RejectReason>())
        {
            var n = Interlocked.Read(ref _rejected[(int)reason]);
            if (n > 0)
            {
                counts[ToName(reason)] = n;
            }
        }

        return counts;
    }

    /// <summary>camelCase, as in the JSON API.</summary>
    public static string ToName(RejectReason reason)
    {
        var name = reason.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
