using System.Text;
using System.Text.Json;
using Edge.SyncAgent.Mqtt;

namespace Edge.Verifier;

/// <summary>How the verifier reaches the broker: the consumer's side of docs/SYNC.md.</summary>
public sealed record VerifierOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 1883;
    public string TopicPrefix { get; init; } = "edge";

    /// <summary>Fixed, with a persistent session: messages published while the verifier is away wait for it at the broker.</summary>
    public string ClientId { get; init; } = "edge-verifier";

    public bool Tls { get; init; }
    public string? CaFile { get; init; }
    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public uint SessionExpirySeconds { get; init; } = 24 * 3600;
}

/// <summary>One device's tally, as a consumer de-duplicating by id would see it.</summary>
public sealed record DeviceReport(
    string Device,
    long Messages,
    long ItemsReceived,
    long UniqueIds,
    long MinId,
    long MaxId,
    IReadOnlyList<(long From, long To)> Gaps,
    long RawDuplicates,
    long OrderViolations,
    long Malformed,
    long Reads,
    long Corrections)
{
    public long MissingIds => Gaps.Sum(g => g.To - g.From + 1);

    public override string ToString() =>
        $"{Device}: {Messages} messages, {ItemsReceived} items, {UniqueIds} unique ids ({Reads} reads/guns, {Corrections} corrections), " +
        $"ids {MinId}..{MaxId}, {Gaps.Count} gaps ({MissingIds} missing{(Gaps.Count == 0 ? "" : ": " + string.Join(", ", Gaps.Take(10).Select(g => g.From == g.To ? $"{g.From}" : $"{g.From}-{g.To}")))}), " +
        $"{RawDuplicates} raw duplicates, {OrderViolations} out of order, {Malformed} malformed";
}

/// <summary>
/// Subscribes as a cloud consumer would (QoS 1, persistent session, reconnecting on its own) to
/// <c>{prefix}/+/reads</c>, <c>corrections</c>, <c>status</c>, <c>participants</c> and <c>results/+</c>, and tallies
/// per device: items, unique ids, gaps (as ranges), raw duplicates, first deliveries out of id order, malformed messages.
/// </summary>
public sealed class SyncVerifier : IMqttEvents, IDisposable
{
    private readonly VerifierOptions _options;
    private readonly Dictionary<string, Tally> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _retained = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ManualResetEventSlim _stopped = new(false);
    private Thread? _thread;
    private volatile bool _stop;
    private volatile bool _subscribed;
    private MosquittoClient? _client;
    private int _pendingSubscriptions;

    public SyncVerifier(VerifierOptions options) => _options = options;

    /// <summary>True while connected with every subscription acknowledged.</summary>
    public bool IsSubscribed => _subscribed;

    /// <summary>Successful connections so far.</summary>
    public int Connections { get; private set; }

    public string? LastError { get; private set; }

    public void Start()
    {
        _thread = new Thread(Run) { Name = "verifier", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Waits until subscribed (true) or the timeout passes (false).</summary>
    public bool WaitSubscribed(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_subscribed)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(10);
        }

        return true;
    }

    /// <summary>Unique ids received so far from one device.</summary>
    public long UniqueIds(string device)
    {
        lock (_gate)
        {
            return _devices.TryGetValue(device, out var t) ? t.Unique : 0;
        }
    }

    /// <summary>Items received so far from one device per meet key (every item names its meet).</summary>
    public IReadOnlyDictionary<string, long> ItemsPerMeet(string device)
    {
        lock (_gate)
        {
            return _devices.TryGetValue(device, out var t) ? new Dictionary<string, long>(t.Meets) : [];
        }
    }

    /// <summary>The last payload seen on a topic (status, participants, results), as text.</summary>
    public string? Last(string topic)
    {
        lock (_gate)
        {
            return _retained.TryGetValue(topic, out var text) ? text : null;
        }
    }

    /// <summary>Messages received on a topic other than reads and corrections (status, participants, results).</summary>
    public int Messages(string topic)
    {
        lock (_gate)
        {
            return _counts.GetValueOrDefault(topic);
        }
    }

    public IReadOnlyList<DeviceReport> Report()
    {
        lock (_gate)
        {
            return [.. _devices.Values.Select(t => t.Report())];
        }
    }

    public DeviceReport? Report(string device)
    {
        lock (_gate)
        {
            return _devices.TryGetValue(device, out var t) ? t.Report() : null;
        }
    }

    private void Run()
    {
        while (!_stop)
        {
            try
            {
                using var client = new MosquittoClient(_options.ClientId, cleanStart: false, this);
                client.SetProtocol(MqttProtocol.V5);
                client.SetReceiveMaximum(65535);
                if (_options.Tls)
                {
                    client.SetTls(_options.CaFile, _options.CertFile, _options.KeyFile);
                }

                if (_options.Username is not null)
                {
                    client.SetCredentials(_options.Username, _options.Password);
                }

                _client = client;
                var rc = client.Connect(_options.Host, _options.Port, 30, MqttProtocol.V5, _options.SessionExpirySeconds);
                if (rc == 0)
                {
                    while (!_stop && client.Loop(200) == 0)
                    {
                    }
                }
                else
                {
                    LastError = MosquittoClient.ErrorText(rc);
                }

                _subscribed = false;
                if (_stop)
                {
                    client.Disconnect();
                    client.Loop(100);
                }

                _client = null;
            }
            catch (InvalidOperationException e)
            {
                LastError = e.Message;
            }

            if (!_stop)
            {
                _stopped.Wait(_options.ReconnectDelay);
            }
        }
    }

    public void OnConnect(int reasonCode, int flags)
    {
        if (reasonCode != 0)
        {
            LastError = MosquittoClient.ConnackText(reasonCode, MqttProtocol.V5);
            return;
        }

        Connections++;
        string[] patterns = ["reads", "corrections", "status", "participants", "results/+"];
        _pendingSubscriptions = patterns.Length;
        foreach (var leaf in patterns)
        {
            _client!.Subscribe($"{_options.TopicPrefix}/+/{leaf}", 1, out _);
        }
    }

    public void OnSubscribe(int mid, ReadOnlySpan<int> grantedQos)
    {
        if (--_pendingSubscriptions == 0)
        {
            _subscribed = true;
        }
    }

    public void OnMessage(string topic, ReadOnlySpan<byte> payload, bool retain)
    {
        // {prefix}/{device}/{leaf...}
        var rest = topic.AsSpan(_options.TopicPrefix.Length + 1);
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            return;
        }

        var device = rest[..slash].ToString();
        var leaf = rest[(slash + 1)..].ToString();
        if (leaf is "reads" or "corrections")
        {
            Tally tally;
            lock (_gate)
            {
                if (!_devices.TryGetValue(device, out tally!))
                {
                    _devices[device] = tally = new Tally(device);
                }

                tally.Add(leaf, payload);
            }

            return;
        }

        var text = Encoding.UTF8.GetString(payload);
        lock (_gate)
        {
            _retained[topic] = text;
            _counts[topic] = _counts.GetValueOrDefault(topic) + 1;
        }
    }

    public void Dispose()
    {
        _stop = true;
        _stopped.Set();
        _thread?.Join(TimeSpan.FromSeconds(5));
        _stopped.Dispose();
    }

    /// <summary>Counts for one device; ids are kept in a bit set (ids are dense from 1).</summary>
    private sealed class Tally(string device)
    {
        private static readonly HashSet<string> CorrectionKinds = new(StringComparer.Ordinal) { "dnf", "dq", "manualTime", "gunTime", "bibSwap", "void", "registration", "displayTemplate", "display", "resultList" };
        private ulong[] _seen = new ulong[1024];
        private long _messages;
        private long _items;
        private long _min = long.MaxValue;
        private long _max;
        private long _duplicates;
        private long _orderViolations;
        private long _malformed;
        private long _reads;
        private long _corrections;

        public long Unique { get; private set; }

        public Dictionary<string, long> Meets { get; } = new(StringComparer.Ordinal);

        public void Add(string leaf, ReadOnlySpan<byte> payload)
        {
            _messages++;
            try
            {
                using var document = JsonDocument.Parse(payload.ToArray());
                var root = document.RootElement;
                var first = root.GetProperty("first").GetInt64();
                var last = root.GetProperty("last").GetInt64();
                var items = root.GetProperty("items");
                var ok = root.GetProperty("device").GetString() == device
                    && root.GetProperty("schema").GetString() == "edge.sync/1"
                    && items.GetArrayLength() > 0
                    && root.GetProperty("count").GetInt32() == items.GetArrayLength();
                long previous = 0;
                foreach (var item in items.EnumerateArray())
                {
                    var id = item.GetProperty("id").GetInt64();
                    var correction = CorrectionKinds.Contains(item.GetProperty("kind").GetString()!);
                    var meet = item.GetProperty("meet").GetString()!;
                    Meets[meet] = Meets.GetValueOrDefault(meet) + 1;
                    ok &= id > previous && id >= first && id <= last && correction == (leaf == "corrections");
                    previous = id;
                    See(id, correction);
                }

                ok &= items[0].GetProperty("id").GetInt64() == first && previous == last;
                if (!ok)
                {
                    _malformed++;
                }
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                _malformed++;
            }
        }

        private void See(long id, bool correction)
        {
            _items++;
            if (id <= 0)
            {
                _malformed++;
                return;
            }

            var word = (int)(id >> 6);
            if (word >= _seen.Length)
            {
                Array.Resize(ref _seen, Math.Max(word + 1, _seen.Length * 2));
            }

            var bit = 1UL << (int)(id & 63);
            if ((_seen[word] & bit) != 0)
            {
                _duplicates++;
                return;
            }

            _seen[word] |= bit;
            Unique++;
            if (id < _max)
            {
                // A new id arriving after a higher one: the consumer would see the box's sequence out of order.
                _orderViolations++;
            }

            _min = Math.Min(_min, id);
            _max = Math.Max(_max, id);
            if (correction)
            {
                _corrections++;
            }
            else
            {
                _reads++;
            }
        }

        public DeviceReport Report()
        {
            var gaps = new List<(long, long)>();
            long? open = null;
            for (long id = 1; id <= _max; id++)
            {
                var present = (_seen[id >> 6] & (1UL << (int)(id & 63))) != 0;
                if (!present && open is null)
                {
                    open = id;
                }
                else if (present && open is { } from)
                {
                    gaps.Add((from, id - 1));
                    open = null;
                }
            }

            return new DeviceReport(device, _messages, _items, Unique, _min == long.MaxValue ? 0 : _min, _max, gaps, _duplicates, _orderViolations, _malformed, _reads, _corrections);
        }
    }
}
