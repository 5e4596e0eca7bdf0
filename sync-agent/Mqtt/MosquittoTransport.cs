namespace Edge.SyncAgent.Mqtt;

/// <summary>The agent's connection through libmosquitto (<c>Sync:Transport=mosquitto</c>): a fresh library instance per attempt.</summary>
public sealed class MosquittoTransport : IMqttTransport
{
    private readonly MosquittoClient _client;
    private readonly MqttConnectOptions _options;

    public MosquittoTransport(MqttConnectOptions options, IMqttEvents events, bool logToEvents)
    {
        _options = options;
        _client = new MosquittoClient(options.ClientId, cleanStart: false, events, logToEvents);
        try
        {
            _client.SetProtocol(options.Protocol);
            _client.SetSendMaximum(options.SendMaximum);
            _client.SetWill(options.WillTopic, options.WillPayload, qos: 1, retain: true);
            if (options.Tls)
            {
                _client.SetTls(options.CaFile, options.CertFile, options.KeyFile);
            }

            if (options.Username is not null)
            {
                _client.SetCredentials(options.Username, options.Password);
            }
        }
        catch
        {
            _client.Dispose();
            throw;
        }
    }

    /// <summary>The library's version, e.g. libmosquitto 2.0.11.</summary>
    public static string Version => $"libmosquitto {MosquittoClient.LibraryVersion}";

    public string? Connect()
    {
        var rc = _client.Connect(_options.Host, _options.Port, _options.KeepAliveSeconds, _options.Protocol, _options.SessionExpirySeconds);
        return rc == 0 ? null : MosquittoClient.ErrorText(rc);
    }

    public string? Loop(int timeoutMs)
    {
        var rc = _client.Loop(timeoutMs);
        return rc == 0 ? null : MosquittoClient.ErrorText(rc);
    }

    public string? Publish(string topic, ReadOnlySpan<byte> payload, int qos, bool retain, out int mid)
    {
        var rc = _client.Publish(topic, payload, qos, retain, out mid);
        return rc == 0 ? null : MosquittoClient.ErrorText(rc);
    }

    public void Disconnect() => _client.Disconnect();

    public string ConnackText(int code, MqttProtocol protocol) => MosquittoClient.ConnackText(code, protocol);

    public string ReasonText(int code) => MosquittoClient.ReasonText(code);

    public void Dispose() => _client.Dispose();
}
