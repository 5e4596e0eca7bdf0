using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Edge.SyncAgent;

/// <summary>The answer to a GET: status code and body.</summary>
internal readonly record struct HttpAnswer(int Status, byte[] Body);

/// <summary>
/// A plain HTTP/1.1 GET (one request per connection, <c>Connection: close</c>) for the appliance's API on the same
/// box. The agent needs nothing more, and HttpClient's stack would be a sixth of its resident memory.
/// </summary>
internal static class LoopbackHttp
{
    private const int MaxResponseBytes = 64 * 1024 * 1024;

    public static async Task<HttpAnswer> GetAsync(Uri baseAddress, string path, TimeSpan timeout, CancellationToken cancel)
    {
        if (baseAddress.Scheme != Uri.UriSchemeHttp)
        {
            throw new IOException($"only http:// is supported for the appliance URL, not {baseAddress.Scheme}://");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(baseAddress.IdnHost, baseAddress.Port, deadline.Token);
            var request = $"GET {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nAccept: application/json\r\nConnection: close\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, deadline.Token);
            using var response = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0)
            {
                response.Write(buffer, 0, read);
                if (response.Length > MaxResponseBytes)
                {
                    throw new IOException($"response to {path} is larger than {MaxResponseBytes} bytes");
                }
            }

            return Parse(response.GetBuffer().AsSpan(0, (int)response.Length));
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new IOException($"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (SocketException e)
        {
            throw new IOException(e.Message, e);
        }
    }

    internal static HttpAnswer Parse(ReadOnlySpan<byte> response)
    {
        var end = response.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new IOException("incomplete HTTP response");
        }

        var head = Encoding.ASCII.GetString(response[..end]).Split("\r\n");
        var statusLine = head[0].Split(' ', 3);
        if (statusLine.Length < 2 || !statusLine[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(statusLine[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new IOException($"not an HTTP response: {head[0]}");
        }

        var chunked = false;
        long? length = null;
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                chunked = true;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                length = n;
            }
        }

        var body = response[(end + 4)..];
        if (chunked)
        {
            return new HttpAnswer(status, Dechunk(body));
        }

        if (length is { } l)
        {
            if (body.Length < l)
            {
                throw new IOException("HTTP response ended early");
            }

            body = body[..(int)l];
        }

        return new HttpAnswer(status, body.ToArray());
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> body)
    {
        using var output = new MemoryStream();
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                throw new IOException("HTTP chunk without a size line");
            }

            var sizeText = Encoding.ASCII.GetString(body[..lineEnd]).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size < 0 || lineEnd + 2 + size > body.Length)
            {
                throw new IOException($"bad HTTP chunk size '{sizeText}'");
            }

            if (size == 0)
            {
                return output.ToArray();
            }

            output.Write(body.Slice(lineEnd + 2, size));
            body = body[(lineEnd + 2 + size)..];
            if (body.StartsWith("\r\n"u8))
            {
                body = body[2..];
            }
        }
    }
}
