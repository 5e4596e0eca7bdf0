using System.Runtime.InteropServices;

namespace Edge.SyncAgent.Mqtt;

/// <summary>
/// One libmosquitto client instance: one connection attempt and its session, driven by <see cref="Loop"/> on one
/// thread. <see cref="Publish"/> may be called from any other thread; the library then wakes the loop to write.
/// </summary>
public sealed unsafe class MosquittoClient : IDisposable
{
    private static readonly int InitResult = Native.mosquitto_lib_init();

    private readonly IMqttEvents _events;
    private readonly Lock _gate = new();
    private GCHandle _self;
    private nint _handle;

    public MosquittoClient(string clientId, bool cleanStart, IMqttEvents events, bool logToEvents = false)
    {
        if (InitResult != Native.ErrSuccess)
        {
            throw new InvalidOperationException($"libmosquitto failed to initialise: {ErrorText(InitResult)}");
        }

        _events = events;
        _self = GCHandle.Alloc(this);
        _handle = Native.mosquitto_new(clientId, cleanStart, GCHandle.ToIntPtr(_self));
        if (_handle == 0)
        {
            _self.Free();
            throw new InvalidOperationException("mosquitto_new failed (out of memory or invalid client id)");
        }

        // The owner runs the network loop on a thread of its own; publishes from other threads wake it.
        Check(Native.mosquitto_threaded_set(_handle, true), "threaded_set");
        Check(Native.mosquitto_int_option(_handle, Native.OptTcpNoDelay, 1), "tcp_nodelay");
        Native.mosquitto_connect_v5_callback_set(_handle, &OnConnectNative);
        Native.mosquitto_disconnect_v5_callback_set(_handle, &OnDisconnectNative);
        Native.mosquitto_publish_v5_callback_set(_handle, &OnPublishNative);
        Native.mosquitto_message_v5_callback_set(_handle, &OnMessageNative);
        Native.mosquitto_subscribe_callback_set(_handle, &OnSubscribeNative);
        if (logToEvents)
        {
            Native.mosquitto_log_callback_set(_handle, &OnLogNative);
        }
    }

    /// <summary>The library's version, e.g. 2.0.11.</summary>
    public static string LibraryVersion
    {
        get
        {
            Native.mosquitto_lib_version(out var major, out var minor, out var revision);
            return $"{major}.{minor}.{revision}";
        }
    }

    public void SetProtocol(MqttProtocol protocol) =>
        Check(Native.mosquitto_int_option(_handle, Native.OptProtocolVersion, (int)protocol), "protocol version");

    /// <summary>Most QoS 1 messages in flight at once; more are queued by the library until acknowledgements arrive.</summary>
    public void SetSendMaximum(int messages) =>
        Check(Native.mosquitto_int_option(_handle, Native.OptSendMaximum, messages), "send maximum");

    /// <summary>Most QoS 1 messages the broker may have in flight to this client (MQTT 5).</summary>
    public void SetReceiveMaximum(int messages) =>
        Check(Native.mosquitto_int_option(_handle, Native.OptReceiveMaximum, messages), "receive maximum");

    public void SetCredentials(string? username, string? password) =>
        Check(Native.mosquitto_username_pw_set(_handle, username, password), "username/password");

    /// <summary>TLS with a CA file (or the system's CA store when none is given) and an optional client certificate.</summary>
    public void SetTls(string? caFile, string? certFile, string? keyFile)
    {
        if (caFile is null)
        {
            Check(Native.mosquitto_int_option(_handle, Native.OptTlsUseOsCerts, 1), "TLS system certificates");
            Check(Native.mosquitto_tls_set(_handle, null, "/etc/ssl/certs", certFile, keyFile, 0), "TLS");
        }
        else
        {
            Check(Native.mosquitto_tls_set(_handle, caFile, null, certFile, keyFile, 0), "TLS");
        }
    }

    public void SetWill(string topic, ReadOnlySpan<byte> payload, int qos, bool retain)
    {
        fixed (byte* p = payload)
        {
            Check(Native.mosquitto_will_set(_handle, topic, payload.Length, p, qos, retain), "will");
        }
    }

    /// <summary>
    /// Opens the TCP (and TLS) connection and sends CONNECT; the CONNACK arrives later through <see cref="Loop"/>.
    /// Returns a libmosquitto error code (0 on success); see <see cref="ErrorText"/>.
    /// </summary>
    public int Connect(string host, int port, int keepAliveSeconds, MqttProtocol protocol, uint sessionExpirySeconds)
    {
        if (protocol == MqttProtocol.V311)
        {
            return Native.mosquitto_connect(_handle, host, port, keepAliveSeconds);
        }

        nint properties = 0;
        try
        {
            if (sessionExpirySeconds > 0)
            {
                Check(Native.mosquitto_property_add_int32(ref properties, Native.PropSessionExpiryInterval, sessionExpirySeconds), "session expiry");
            }

            return Native.mosquitto_connect_bind_v5(_handle, host, port, keepAliveSeconds, null, properties);
        }
        finally
        {
            Native.mosquitto_property_free_all(ref properties);
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for network activity and handles it; non-zero when the connection is gone.</summary>
    public int Loop(int timeoutMs) => Native.mosquitto_loop(_handle, timeoutMs, 1);

    /// <summary>Queues a message; returns 0 and its message id, or a libmosquitto error code (no connection, disposed).</summary>
    public int Publish(string topic, ReadOnlySpan<byte> payload, int qos, bool retain, out int mid)
    {
        lock (_gate)
        {
            if (_handle == 0)
            {
                mid = 0;
                return Native.ErrNoConn;
            }

            fixed (byte* p = payload)
            {
                return Native.mosquitto_publish(_handle, out mid, topic, payload.Length, p, qos, retain);
            }
        }
    }

    public int Subscribe(string pattern, int qos, out int mid)
    {
        lock (_gate)
        {
            if (_handle == 0)
            {
                mid = 0;
                return Native.ErrNoConn;
            }

            return Native.mosquitto_subscribe(_handle, out mid, pattern, qos);
        }
    }

    /// <summary>Sends DISCONNECT (no will is published); the loop then ends.</summary>
    public int Disconnect()
    {
        lock (_gate)
        {
            return _handle == 0 ? Native.ErrNoConn : Native.mosquitto_disconnect(_handle);
        }
    }

    /// <summary>Text for a libmosquitto error code (the return value of connect, loop, publish).</summary>
    public static string ErrorText(int error) => Text(Native.mosquitto_strerror(error), $"error {error}");

    /// <summary>Text for a CONNACK code of the given protocol, e.g. "not authorised".</summary>
    public static string ConnackText(int code, MqttProtocol protocol) =>
        protocol == MqttProtocol.V311 || code < 0x80
            ? Text(Native.mosquitto_connack_string(code), $"connack {code}")
            : Text(Native.mosquitto_reason_string(code), $"reason {code}");

    /// <summary>Text for an MQTT 5 reason code.</summary>
    public static string ReasonText(int code) => Text(Native.mosquitto_reason_string(code), $"reason {code}");

    private static string Text(nint text, string fallback) => text == 0 ? fallback : Marshal.PtrToStringUTF8(text) ?? fallback;

    private void Check(int rc, string what)
    {
        if (rc != Native.ErrSuccess)
        {
            throw new InvalidOperationException($"libmosquitto {what}: {ErrorText(rc)}");
        }
    }

    /// <summary>Destroys the instance; call from the thread that runs <see cref="Loop"/>, after it returned.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_handle == 0)
            {
                return;
            }

            Native.mosquitto_destroy(_handle);
            _handle = 0;
        }

        _self.Free();
    }

    private static IMqttEvents? Events(nint obj) =>
        obj == 0 ? null : (GCHandle.FromIntPtr(obj).Target as MosquittoClient)?._events;

    // Callbacks come from native code: an exception must not cross back into it.
    private static void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"mqtt callback failed: {e}");
        }
    }

    [UnmanagedCallersOnly]
    private static void OnConnectNative(nint mosq, nint obj, int rc, int flags, nint properties) =>
        Guard(() => Events(obj)?.OnConnect(rc, flags));

    [UnmanagedCallersOnly]
    private static void OnDisconnectNative(nint mosq, nint obj, int rc, nint properties) =>
        Guard(() => Events(obj)?.OnDisconnect(rc));

    [UnmanagedCallersOnly]
    private static void OnPublishNative(nint mosq, nint obj, int mid, int reasonCode, nint properties)
    {
        try
        {
            Events(obj)?.OnPublish(mid, reasonCode);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"mqtt callback failed: {e}");
        }
    }

    [UnmanagedCallersOnly]
    private static void OnMessageNative(nint mosq, nint obj, Native.MosquittoMessage* message, nint properties)
    {
        try
        {
            var topic = Marshal.PtrToStringUTF8((nint)message->Topic) ?? "";
            Events(obj)?.OnMessage(topic, new ReadOnlySpan<byte>(message->Payload, message->PayloadLength), message->Retain != 0);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"mqtt callback failed: {e}");
        }
    }

    [UnmanagedCallersOnly]
    private static void OnSubscribeNative(nint mosq, nint obj, int mid, int count, int* granted)
    {
        try
        {
            Events(obj)?.OnSubscribe(mid, new ReadOnlySpan<int>(granted, count));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"mqtt callback failed: {e}");
        }
    }

    [UnmanagedCallersOnly]
    private static void OnLogNative(nint mosq, nint obj, int level, byte* text)
    {
        try
        {
            Events(obj)?.OnLog(level, Marshal.PtrToStringUTF8((nint)text) ?? "");
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"mqtt callback failed: {e}");
        }
    }
}
