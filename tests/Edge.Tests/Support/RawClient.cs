using System.Net.Sockets;
using System.Text;

namespace Edge.Tests.Support;

/// <summary>A scripted CTP01 client over a plain socket: the test says every byte and checks every line.</summary>
public sealed class RawClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    public static async Task<RawClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawClient(tcp);
    }

    public Socket Socket => _tcp.Client;

    public Task SendAsync(params string[] lines) => SendRawAsync(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\r\n"))));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Next line from the box (without CR LF); null when the box closed the connection.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _reader.ReadLineAsync(cts.Token);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async Task<List<string>> ReadLinesAsync(int count)
    {
        var lines = new List<string>();
        for (var i = 0; i < count; i++)
        {
            lines.Add(await ReadLineAsync() ?? throw new InvalidOperationException($"connection closed after {string.Join(" | ", lines)}"));
        }

        return lines;
    }

    /// <summary>Reads lines until one matches, returning everything read (the match last).</summary>
    public async Task<List<string>> ReadUntilAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var lines = new List<string>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            var line = await ReadLineAsync(deadline - DateTime.UtcNow);
            if (line is null)
            {
                break;
            }

            lines.Add(line);
            if (match(line))
            {
                return lines;
            }
        }

        throw new TimeoutException($"no matching line; got: {string.Join(" | ", lines)}");
    }

    /// <summary>True when the box closes the connection within the timeout.</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var line = await ReadLineAsync(deadline - DateTime.UtcNow);
                if (line is null)
                {
                    return true;
                }
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Greets as SimpleClient and answers the box's opening questions; returns the lines the box sent.</summary>
    public async Task<List<string>> HandshakeAsync(string connectionId, params string[] locations)
    {
        await SendAsync("SimpleClient~0.5.0~CTP01");
        var header = await ReadLineAsync() ?? throw new InvalidOperationException("closed before header");
        var count = int.Parse(header.Split('~')[2]);
        var lines = new List<string> { header };
        lines.AddRange(await ReadLinesAsync(count));
        lines.AddRange(await ReadLinesAsync(3)); // getconnectionid, geteventinfo, getlocations
        await SendAsync($"ack~getconnectionid~{connectionId}", "ack~geteventinfo~Lakeside 10K~4242~Spring race", "ack~getlocations~" + string.Join("~", locations));
        lines.AddRange(await ReadLinesAsync(locations.Length));
        return lines;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _tcp.Dispose();
    }
}
