using Edge.SyncAgent.Cloud;
using Edge.SyncAgent.Mqtt;
using Edge.SyncAgent.Status;

namespace Edge.SyncAgent;

/// <summary>
/// One connection attempt to the broker and, when it succeeds, the connection's life: a fresh libmosquitto
/// instance each time, so nothing of an earlier connection (queued or in-flight messages) is sent by the library
/// on its own; the outbox pump alone decides what is (re)sent, from its watermark.
/// </summary>
internal sealed class Uplink : IMqttEvents, IDisposable
{
    private readonly SyncAgent _agent;
    private readonly AgentLog _log;
    private readonly TimeProvider _time;
    private volatile bool _connected;
    private volatile string? _failure;
    private volatile bool _stopRequested;
    private int _refusedCode = -1;

    public Uplink(SyncAgent agent, long generation, CloudSettings settings, MqttProtocol protocol, AgentOptions options, AgentLog log, TimeProvider time)
    {
        _agent = agent;
        _log = log;
        _time = time;
        Generation = generation;
        Settings = settings;
        Protocol = protocol;
        Client = new MosquittoClient(options.ClientId ?? $"edge-sync-{settings.DeviceId}", cleanStart: false, this, log.IsEnabled(LogLevel.Debug));
        Client.SetProtocol(protocol);
        // libmosquitto's own in-flight limit sits above the pump's window so it never holds a message back.
        Client.SetSendMaximum(Math.Clamp(options.InflightMessages * 2, 20, 65535));
        Client.SetWill(settings.Topic("status"), StatusMessages.Offline(settings.DeviceId), qos: 1, retain: true);
        if (settings.Tls)
        {
            Client.SetTls(settings.CaFile, settings.CertFile, settings.KeyFile);
        }

        if (settings.Username is not null)
        {
            Client.SetCredentials(settings.Username, settings.Password);
        }
    }

    public long Generation { get; }
    public CloudSettings Settings { get; }
    public MqttProtocol Protocol { get; }
    public MosquittoClient Client { get; }

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
        var rc = Client.Connect(Settings.Host, Settings.Port, options.KeepAliveSeconds, Protocol, options.SessionExpirySeconds);
        if (rc != 0)
        {
            return $"cannot connect to {Settings.Broker}: {MosquittoClient.ErrorText(rc)}";
        }

        // Monotonic: a wall clock stepped by chrony must neither give the attempt up early nor let it wait for ever.
        var deadline = Deadline.After(_time, options.ConnectTimeout);
        while (true)
        {
            rc = Client.Loop(1000);
            if (_failure is { } failure)
            {
                return failure;
            }

            if (rc != 0)
            {
                return _stopRequested ? null : $"connection to {Settings.Broker} lost: {MosquittoClient.ErrorText(rc)}";
            }

            if (!_connected && deadline.Expired)
            {
                return $"no answer (CONNACK) from {Settings.Broker} within {options.ConnectTimeout.TotalSeconds:0.#} s";
            }

            if (cancel())
            {
                Client.Disconnect();
                return null;
            }
        }
    }

    /// <summary>For a clean stop: marks the box offline (retained) and disconnects; the loop then ends.</summary>
    public void Stop()
    {
        _stopRequested = true;
        if (_connected)
        {
            // QoS 0: it goes out ahead of the DISCONNECT even when the QoS 1 window is full.
            Client.Publish(Settings.Topic("status"), StatusMessages.Offline(Settings.DeviceId), 0, true, out _);
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
        _failure = $"broker {Settings.Broker} refused the connection: {MosquittoClient.ConnackText(reasonCode, Protocol)}";
    }

    public void OnDisconnect(int reasonCode)
    {
        if (reasonCode != 0 && _connected)
        {
            _log.Debug($"disconnected from {Settings.Broker}: {MosquittoClient.ErrorText(reasonCode)}");
        }
    }

    public void OnPublish(int mid, int reasonCode) => _agent.OnAcknowledged(this, mid, reasonCode);

    public void OnLog(int level, string message) => _log.Debug($"libmosquitto: {message}");

    public void Dispose() => Client.Dispose();
}
