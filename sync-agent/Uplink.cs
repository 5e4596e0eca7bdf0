using Edge.SyncAgent.Cloud;
using Edge.SyncAgent.Mqtt;
using Edge.SyncAgent.Status;

namespace Edge.SyncAgent;

/// <summary>
/// One connection attempt to the broker and, when it succeeds, the connection's life: a fresh client
/// (<see cref="AgentOptions.Transport"/>) each time, so nothing of an earlier connection (queued or in-flight
/// messages) is sent by the library on its own; the outbox pump alone decides what is (re)sent, from its watermark.
/// </summary>
internal sealed class Uplink : IMqttEvents, IDisposable
{
    private readonly SyncAgent _agent;
    private readonly AgentLog _log;
    private readonly TimeProvider _time;
    private volatile bool _connected;
    private volatile string? _failure;
    private volatile bool _stopRequested;
    private int _leaving;
    private int _refusedCode = -1;

    public Uplink(SyncAgent agent, long generation, CloudSettings settings, MqttProtocol protocol, AgentOptions options, AgentLog log, TimeProvider time)
    {
        _agent = agent;
        _log = log;
        _time = time;
        Generation = generation;
        Settings = settings;
        Protocol = protocol;
        var connect = new MqttConnectOptions
        {
            Host = settings.Host,
            Port = settings.Port,
            ClientId = options.ClientId ?? $"edge-sync-{settings.DeviceId}",
            Protocol = protocol,
            KeepAliveSeconds = options.KeepAliveSeconds,
            SessionExpirySeconds = options.SessionExpirySeconds,
            // The library's own in-flight limit sits above the pump's window so it never holds a message back.
            SendMaximum = Math.Clamp(options.InflightMessages * 2, 20, 65535),
            WillTopic = settings.Topic("status"),
            WillPayload = StatusMessages.Offline(settings.DeviceId),
            Tls = settings.Tls,
            CaFile = settings.CaFile,
            CertFile = settings.CertFile,
            KeyFile = settings.KeyFile,
            Username = settings.Username,
            Password = settings.Password,
        };
        Client = Create(options.Transport, connect, this, log.IsEnabled(LogLevel.Debug));
    }

    /// <summary>The client library behind a transport setting, with its version (for the start line).</summary>
    public static string LibraryName(MqttTransport transport) =>
        transport == MqttTransport.MqttNet ? MqttNetVersion() : MosquittoTransport.Version;

    // Separate methods, so that the library a transport does not use is never loaded.
    private static IMqttTransport Create(MqttTransport transport, MqttConnectOptions connect, IMqttEvents events, bool debug) =>
        transport == MqttTransport.MqttNet ? CreateMqttNet(connect, events) : new MosquittoTransport(connect, events, debug);

    private static IMqttTransport CreateMqttNet(MqttConnectOptions connect, IMqttEvents events) => new MqttNetClient(connect, events);

    private static string MqttNetVersion() => MqttNetClient.Version;

    public long Generation { get; }
    public CloudSettings Settings { get; }
    public MqttProtocol Protocol { get; }
    public IMqttTransport Client { get; }

    public bool IsConnected => _connected;

    /// <summary>The broker refused something (the connection or a message): worth backing off further, not resetting.</summary>
    public bool Refused => _failure is not null;

    /// <summary>The broker answered with "unsupported protocol version": worth one more try with MQTT 3.1.1.</summary>
    public bool ProtocolRefused => _refusedCode is 132 || (_refusedCode == 1 && Protocol == MqttProtocol.V311);

    public string ProtocolName => Protocol == MqttProtocol.V5 ? "5" : "3.1.1";

    /// <summary>
    /// Connects and runs the network loop until the connection ends, the agent stops, or <paramref name="cancel"/>
    /// says the configuration changed. Returns why it ended (null when asked to end).
    /// </summary>
    public string? Run(AgentOptions options, Func<bool> cancel)
    {
        if (Client.Connect() is { } refused)
        {
            return $"cannot connect to {Settings.Broker}: {refused}";
        }

        // Monotonic: a wall clock stepped by chrony must neither give the attempt up early nor let it wait for ever.
        var deadline = Deadline.After(_time, options.ConnectTimeout);
        while (true)
        {
            var lost = Client.Loop(1000);
            if (_failure is { } failure)
            {
                return failure;
            }

            if (lost is not null)
            {
                return _stopRequested ? null : _connected ? $"connection to {Settings.Broker} lost: {lost}" : $"cannot connect to {Settings.Broker}: {lost}";
            }

            if (!_connected && deadline.Expired)
            {
                return $"no answer (CONNACK) from {Settings.Broker} within {options.ConnectTimeout.TotalSeconds:0.#} s";
            }

            if (cancel())
            {
                Leave();
                return null;
            }
        }
    }

    /// <summary>For a clean stop: marks the box offline (retained) and disconnects; the loop then ends.</summary>
    public void Stop()
    {
        _stopRequested = true;
        Leave();
    }

    /// <summary>
    /// Ends a connection on purpose, once, from whichever thread comes first (the stop, or the network loop seeing the
    /// stop or a changed configuration): a clean DISCONNECT discards the will, so the offline status goes out first.
    /// </summary>
    private void Leave()
    {
        if (Interlocked.Exchange(ref _leaving, 1) != 0)
        {
            return;
        }

        if (_connected)
        {
            // QoS 0: it goes out ahead of the DISCONNECT even when the QoS 1 window is full.
            _ = Client.Publish(Settings.Topic("status"), StatusMessages.Offline(Settings.DeviceId), 0, true, out _);
        }

        Client.Disconnect();
    }

    /// <summary>Ends the connection with a reason (a refused publish); the pump resends from its watermark on the next one.</summary>
    public void Fail(string reason)
    {
        _failure ??= reason;
        Client.Disconnect();
    }

    public void OnConnect(int reasonCode, int flags)
    {
        if (reasonCode == 0)
        {
            _connected = true;
            _agent.OnConnected(this);
            return;
        }

        _refusedCode = reasonCode;
        _failure = $"broker {Settings.Broker} refused the connection: {Client.ConnackText(reasonCode, Protocol)}";
    }

    public void OnDisconnect(int reasonCode)
    {
        if (reasonCode != 0 && _connected)
        {
            _log.Debug($"disconnected from {Settings.Broker}: reason {reasonCode}");
        }
    }

    public void OnPublish(int mid, int reasonCode) => _agent.OnAcknowledged(this, mid, reasonCode);

    public void OnLog(int level, string message) => _log.Debug($"mqtt client: {message}");

    public void Dispose() => Client.Dispose();
}
