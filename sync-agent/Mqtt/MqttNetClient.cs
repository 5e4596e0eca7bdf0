using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Edge.SyncAgent.Mqtt;

/// <summary>
/// The agent's connection through MQTTnet 5 (<c>Sync:Transport=mqttnet</c>), shaped like <see cref="MosquittoTransport"/>:
/// MQTTnet's tasks complete on the thread pool and post what happened; <see cref="Loop"/> hands it to the events on
/// the network thread. The connection counts as gone when MQTTnet says so, when a publish fails, or when its
/// <c>IsConnected</c> turns false, whichever comes first: <c>DisconnectedAsync</c> alone is not enough, it was
/// seen not to fire while publishes were in flight (MQTTnet issue #2244). A publish that neither fails nor gets its
/// PUBACK is caught by the pump (<see cref="AgentOptions.PublishTimeout"/>). MQTTnet does not resend unacknowledged
/// QoS 1 messages after a reconnect, and need not: each attempt is a new client, the pump resends from its watermark.
/// </summary>
public sealed class MqttNetClient : IMqttTransport
{
    private const int KindConnack = 1;
    private const int KindPuback = 2;

    private readonly IMqttEvents _events;
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly X509Certificate2Collection? _trust;
    private readonly ConcurrentQueue<Happened> _happened = new();
    private readonly Lock _sendGate = new();
    private readonly object _signal = new();
    private readonly CancellationTokenSource _closing = new();
    private bool _signalled;
    private int _nextMid;
    private int _disconnecting;
    private int _refusal;
    private readonly MqttProtocol _protocol;
    private volatile bool _connected;
    private volatile string? _ended;
    private Task _lastSend = Task.CompletedTask;

    public MqttNetClient(MqttConnectOptions options, IMqttEvents events)
    {
        _events = events;
        _protocol = options.Protocol;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithClientId(options.ClientId)
            .WithCleanStart(false)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithProtocolVersion(options.Protocol == MqttProtocol.V5 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311)
            .WithWillTopic(options.WillTopic)
            .WithWillPayload(options.WillPayload)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillRetain(true);
        if (options.Protocol == MqttProtocol.V5 && options.SessionExpirySeconds > 0)
        {
            builder.WithSessionExpiryInterval(options.SessionExpirySeconds);
        }

        if (options.Username is not null)
        {
            builder.WithCredentials(options.Username, options.Password);
        }

        if (options.Tls)
        {
            if (options.CaFile is not null)
            {
                _trust = [];
                _trust.ImportFromPemFile(options.CaFile);
            }

            var tls = new MqttClientTlsOptionsBuilder().UseTls().WithTargetHost(options.Host);
            if (options.CertFile is not null)
            {
                tls.WithClientCertificates(new X509Certificate2Collection(X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile)));
            }

            if (_trust is not null)
            {
                tls.WithCertificateValidationHandler(ChainsToCa);
            }

            builder.WithTlsOptions(tls.Build());
        }

        _options = builder.Build();
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += e =>
        {
            if (!e.ClientWasConnected && e.ConnectResult is { ResultCode: not MqttClientConnectResultCode.Success } refused)
            {
                Volatile.Write(ref _refusal, Refusal((int)refused.ResultCode));
            }
            else if (e.ClientWasConnected)
            {
                End(e.Exception is { } error ? Describe(error) : $"disconnected ({Words(e.Reason.ToString())})");
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>The library's version, e.g. MQTTnet 5.2.0.1603.</summary>
    public static string Version => $"MQTTnet {typeof(MqttClientFactory).Assembly.GetName().Version}";

    public string? Connect()
    {
        _ = ConnectAsync();
        return null;
    }

    private async Task ConnectAsync()
    {
        try
        {
            var result = await _client.ConnectAsync(_options, _closing.Token).ConfigureAwait(false);
            _connected = result.ResultCode == MqttClientConnectResultCode.Success;
            Post(new Happened(KindConnack, Refusal((int)result.ResultCode), 0));
        }
        catch (MqttConnectingFailedException) when (Volatile.Read(ref _refusal) is var code and not 0)
        {
            // The broker answered the CONNECT and refused it (the code came with DisconnectedAsync, just before).
            Post(new Happened(KindConnack, code, 0));
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Given up by the owner (connect deadline, stop): nobody waits for the answer.
        }
        catch (Exception e)
        {
            End(Describe(e));
        }
    }

    public string? Loop(int timeoutMs)
    {
        lock (_signal)
        {
            if (!_signalled && _happened.IsEmpty)
            {
                Monitor.Wait(_signal, timeoutMs);
            }

            _signalled = false;
        }

        while (_happened.TryDequeue(out var happened))
        {
            if (happened.Kind == KindConnack)
            {
                _events.OnConnect(happened.Code, 0);
            }
            else
            {
                _events.OnPublish(happened.Mid, happened.Code);
            }
        }

        if (_ended is { } why)
        {
            return why;
        }

        // Not waiting for DisconnectedAsync (#2244): the client's own flag turns false when its connection is gone.
        return _connected && !_client.IsConnected ? "the connection closed" : null;
    }

    public string? Publish(string topic, ReadOnlySpan<byte> payload, int qos, bool retain, out int mid)
    {
        if (!_connected || _ended is not null || Volatile.Read(ref _disconnecting) != 0)
        {
            mid = 0;
            return "not connected";
        }

        // Copied: the caller's buffer is reused for the next message as soon as this returns.
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos)
            .WithRetainFlag(retain)
            .Build();
        lock (_sendGate)
        {
            mid = _nextMid = _nextMid == int.MaxValue ? 1 : _nextMid + 1;
            _lastSend = SendAsync(message, mid, qos);
        }

        return null;
    }

    private async Task SendAsync(MqttApplicationMessage message, int mid, int qos)
    {
        try
        {
            var result = await _client.PublishAsync(message, _closing.Token).ConfigureAwait(false);
            if (qos > 0)
            {
                Post(new Happened(KindPuback, (int)result.ReasonCode, mid));
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // The connection is being dropped; the pump resends from its watermark on the next one.
        }
        catch (Exception e)
        {
            End($"publish failed: {Describe(e)}");
        }
    }

    public void Disconnect()
    {
        if (Interlocked.Exchange(ref _disconnecting, 1) == 0)
        {
            _ = DisconnectAsync();
        }
    }

    private async Task DisconnectAsync()
    {
        try
        {
            // A QoS 0 message published just before (the offline status on a clean stop) goes out ahead of DISCONNECT.
            Task last;
            lock (_sendGate)
            {
                last = _lastSend;
            }

            await last.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or MqttCommunicationException or ObjectDisposedException)
        {
            // The connection is dropped either way: the will and the watermark cover what DISCONNECT would have said.
            _events.OnLog(0, $"disconnect: {e.Message}");
        }

        End("disconnected");
    }

    /// <summary>
    /// A broker that speaks only 3.1.1 answers an MQTT 5 CONNECT with its own return code 1, "unacceptable protocol
    /// level" (MQTT 3.1.1 §3.2.2.3), which MQTTnet passes on as it is; it means 0x84, unsupported protocol version.
    /// </summary>
    private int Refusal(int code) =>
        code == 1 && _protocol == MqttProtocol.V5 ? (int)MqttClientConnectResultCode.UnsupportedProtocolVersion : code;

    public string ConnackText(int code, MqttProtocol protocol) => Words(((MqttClientConnectResultCode)code).ToString());

    public string ReasonText(int code) => Words(((MqttClientPublishReasonCode)code).ToString());

    public void Dispose()
    {
        _closing.Cancel();
        _client.Dispose();
    }

    private void End(string why)
    {
        Interlocked.CompareExchange(ref _ended, why, null);
        Post(default);
    }

    private void Post(Happened happened)
    {
        if (happened.Kind != 0)
        {
            _happened.Enqueue(happened);
        }

        lock (_signal)
        {
            _signalled = true;
            Monitor.Pulse(_signal);
        }
    }

    /// <summary>The broker's certificate must chain to the meet folder's CA file (cloud.caFile) and name the host.</summary>
    private bool ChainsToCa(MqttClientCertificateValidationEventArgs e)
    {
        if ((e.SslPolicyErrors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None || e.Certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trust!);
        using var certificate = X509CertificateLoader.LoadCertificate(e.Certificate.GetRawCertData());
        return chain.Build(certificate);
    }

    private static string Describe(Exception e) =>
        e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;

    /// <summary>"NotAuthorized" as "not authorized".</summary>
    private static string Words(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    private readonly record struct Happened(int Kind, int Code, int Mid);
}
