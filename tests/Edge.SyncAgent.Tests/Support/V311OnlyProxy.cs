using System.Net;
using System.Net.Sockets;

namespace Edge.SyncAgent.Tests.Support;

/// <summary>
/// Plays an MQTT 3.1.1-only broker in front of a real one: a CONNECT asking for MQTT 5 gets the 3.1.1 answer
/// "unacceptable protocol version" (CONNACK return code 1) and the connection is closed; any other connection is
/// passed through to the broker byte for byte.
/// </summary>
public sealed class V311OnlyProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _brokerPort;
    private readonly CancellationTokenSource _stop = new();
    private int _refused;
    private int _passed;

    public V311OnlyProxy(int brokerPort)
    {
        _brokerPort = brokerPort;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int RefusedV5 => Volatile.Read(ref _refused);
    public int PassedThrough => Volatile.Read(ref _passed);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var connect = await ReadPacketAsync(stream);
                // Fixed header, then the variable header: protocol name (length-prefixed "MQTT"), then the level.
                var headerLength = 1;
                while ((connect[headerLength] & 0x80) != 0)
                {
                    headerLength++;
                }

                var nameLength = (connect[headerLength + 1] << 8) | connect[headerLength + 2];
                var level = connect[headerLength + 1 + 2 + nameLength];
                if (level == 5)
                {
                    Interlocked.Increment(ref _refused);
                    await stream.WriteAsync(new byte[] { 0x20, 0x02, 0x00, 0x01 });
                    return;
                }

                Interlocked.Increment(ref _passed);
                using var broker = new TcpClient();
                await broker.ConnectAsync(IPAddress.Loopback, _brokerPort);
                var upstream = broker.GetStream();
                await upstream.WriteAsync(connect);
                await Task.WhenAny(stream.CopyToAsync(upstream, _stop.Token), upstream.CopyToAsync(stream, _stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // a side went away
            }
        }
    }

    private static async Task<byte[]> ReadPacketAsync(NetworkStream stream)
    {
        var header = new List<byte> { await ReadByteAsync(stream) };
        var remaining = 0;
        var shift = 0;
        byte b;
        do
        {
            b = await ReadByteAsync(stream);
            header.Add(b);
            remaining |= (b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);

        var packet = new byte[header.Count + remaining];
        header.CopyTo(packet);
        await stream.ReadExactlyAsync(packet.AsMemory(header.Count));
        return packet;
    }

    private static async Task<byte> ReadByteAsync(NetworkStream stream)
    {
        var one = new byte[1];
        await stream.ReadExactlyAsync(one);
        return one[0];
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
