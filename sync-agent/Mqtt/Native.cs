using System.Runtime.InteropServices;

namespace Edge.SyncAgent.Mqtt;

/// <summary>
/// The part of libmosquitto 2.0 (<c>libmosquitto.so.1</c>, Debian package libmosquitto1) the box uses.
/// Signatures follow <c>mosquitto.h</c>; C <c>bool</c> is one byte.
/// </summary>
internal static unsafe partial class Native
{
    private const string Library = "libmosquitto.so.1";

    public const int ErrSuccess = 0;
    public const int ErrNoConn = 4;
    public const int ErrConnLost = 7;
    public const int ErrErrno = 14;

    public const int OptProtocolVersion = 1;
    public const int OptReceiveMaximum = 4;
    public const int OptSendMaximum = 5;
    public const int OptTcpNoDelay = 11;
    public const int OptTlsUseOsCerts = 13;

    public const int PropSessionExpiryInterval = 17;

    [LibraryImport(Library)]
    public static partial int mosquitto_lib_init();

    [LibraryImport(Library)]
    public static partial int mosquitto_lib_version(out int major, out int minor, out int revision);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint mosquitto_new(string? id, [MarshalAs(UnmanagedType.U1)] bool cleanSession, nint obj);

    [LibraryImport(Library)]
    public static partial void mosquitto_destroy(nint mosq);

    [LibraryImport(Library)]
    public static partial int mosquitto_int_option(nint mosq, int option, int value);

    [LibraryImport(Library)]
    public static partial int mosquitto_threaded_set(nint mosq, [MarshalAs(UnmanagedType.U1)] bool threaded);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mosquitto_will_set(nint mosq, string topic, int payloadLength, byte* payload, int qos, [MarshalAs(UnmanagedType.U1)] bool retain);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mosquitto_username_pw_set(nint mosq, string? username, string? password);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mosquitto_tls_set(nint mosq, string? caFile, string? caPath, string? certFile, string? keyFile, nint passwordCallback);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mosquitto_connect(nint mosq, string host, int port, int keepalive);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mosquitto_connect_bind_v5(nint mosq, string host, int port, int keepalive, string? bindAddress, nint properties);

    [LibraryImport(Library)]
    public static partial int mosquitto_property_add_int32(ref nint properties, int identifier, uint value);

    [LibraryImport(Library)]
    public static partial void mosquitto_property_free_all(ref nint properties);

    [LibraryImport(Library)]
    public static partial int mosquitto_loop(nint mosq, int timeout, int maxPackets);

    [LibraryImport(Library)]
    public static partial int mosquitto_disconnect(nint mosq);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mosquitto_publish(nint mosq, out int mid, string topic, int payloadLength, byte* payload, int qos, [MarshalAs(UnmanagedType.U1)] bool retain);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mosquitto_subscribe(nint mosq, out int mid, string pattern, int qos);

    [LibraryImport(Library)]
    public static partial void mosquitto_connect_v5_callback_set(nint mosq, delegate* unmanaged<nint, nint, int, int, nint, void> callback);

    [LibraryImport(Library)]
    public static partial void mosquitto_disconnect_v5_callback_set(nint mosq, delegate* unmanaged<nint, nint, int, nint, void> callback);

    [LibraryImport(Library)]
    public static partial void mosquitto_publish_v5_callback_set(nint mosq, delegate* unmanaged<nint, nint, int, int, nint, void> callback);

    [LibraryImport(Library)]
    public static partial void mosquitto_message_v5_callback_set(nint mosq, delegate* unmanaged<nint, nint, MosquittoMessage*, nint, void> callback);

    [LibraryImport(Library)]
    public static partial void mosquitto_subscribe_callback_set(nint mosq, delegate* unmanaged<nint, nint, int, int, int*, void> callback);

    [LibraryImport(Library)]
    public static partial void mosquitto_log_callback_set(nint mosq, delegate* unmanaged<nint, nint, int, byte*, void> callback);

    [LibraryImport(Library)]
    public static partial nint mosquitto_strerror(int error);

    [LibraryImport(Library)]
    public static partial nint mosquitto_reason_string(int reasonCode);

    [LibraryImport(Library)]
    public static partial nint mosquitto_connack_string(int connackCode);

    /// <summary><c>struct mosquitto_message</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MosquittoMessage
    {
        public int Mid;
        public byte* Topic;
        public byte* Payload;
        public int PayloadLength;
        public int Qos;
        public byte Retain;
    }
}
