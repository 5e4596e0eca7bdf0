namespace Edge.SyncAgent.Mqtt;

/// <summary>MQTT protocol level of a connection.</summary>
public enum MqttProtocol
{
    V311 = 4,
    V5 = 5,
}

/// <summary>What a transport reports. Called on the thread that runs <see cref="IMqttTransport.Loop"/>.</summary>
public interface IMqttEvents
{
    /// <summary>CONNACK: 0 is accepted; otherwise the MQTT 5 reason code or the 3.1.1 return code.</summary>
    void OnConnect(int reasonCode, int flags);

    /// <summary>The connection ended; 0 when the client asked for it.</summary>
    void OnDisconnect(int reasonCode)
    {
    }

    /// <summary>PUBACK for a QoS 1 message; a reason code of 0x80 or more means the broker refused it.</summary>
    void OnPublish(int mid, int reasonCode)
    {
    }

    /// <summary>An incoming message; the payload is only valid during the call. (The agent subscribes to nothing; the verifier does.)</summary>
    void OnMessage(string topic, ReadOnlySpan<byte> payload, bool retain)
    {
    }

    void OnSubscribe(int mid, ReadOnlySpan<int> grantedQos)
    {
    }

    void OnLog(int level, string message)
    {
    }
}

/// <summary>Everything one connection attempt needs: where, as whom, and the session the agent asks for.</summary>
public sealed record MqttConnectOptions
{
    public required string Host { get; init; }
    public required int Port { get; init; }
    public required string ClientId { get; init; }
    public required MqttProtocol Protocol { get; init; }
    public required int KeepAliveSeconds { get; init; }

    /// <summary>MQTT 5 session expiry (clean start is always off: the broker keeps the session).</summary>
    public required uint SessionExpirySeconds { get; init; }

    /// <summary>Most QoS 1 messages the client library itself lets out unacknowledged.</summary>
    public required int SendMaximum { get; init; }

    public required string WillTopic { get; init; }
    public required byte[] WillPayload { get; init; }
    public bool Tls { get; init; }

    /// <summary>CA file the broker's certificate must chain to; null: the system's CAs.</summary>
    public string? CaFile { get; init; }

    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }
}

/// <summary>
/// The agent's MQTT connection, whichever library carries it: one instance per connection attempt, so nothing of an
/// earlier connection is sent again by the library on its own (the pump resends from its watermark). The owner's
/// network thread calls <see cref="Connect"/> and then <see cref="Loop"/> until it reports the connection gone;
/// <see cref="Publish"/> and <see cref="Disconnect"/> may be called from any thread. The agent subscribes to nothing.
/// </summary>
public interface IMqttTransport : IDisposable
{
    /// <summary>Starts the connection (TCP, TLS, CONNECT); the CONNACK comes later through <see cref="IMqttEvents.OnConnect"/>. Null, or why it cannot start.</summary>
    string? Connect();

    /// <summary>Waits up to <paramref name="timeoutMs"/> and delivers what happened; null while the connection lives, else why it ended.</summary>
    string? Loop(int timeoutMs);

    /// <summary>Queues a message (the payload is copied); null and its message id, or why it cannot go (no connection).</summary>
    string? Publish(string topic, ReadOnlySpan<byte> payload, int qos, bool retain, out int mid);

    /// <summary>Sends DISCONNECT (no will is published); the loop then ends. Never blocks on the network.</summary>
    void Disconnect();

    /// <summary>Text for a CONNACK code of the given protocol, e.g. "not authorised".</summary>
    string ConnackText(int code, MqttProtocol protocol);

    /// <summary>Text for an MQTT 5 reason code (a refused PUBACK).</summary>
    string ReasonText(int code);
}
