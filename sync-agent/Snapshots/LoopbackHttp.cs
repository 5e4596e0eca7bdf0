using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Edge.SyncAgent.Snapshots;

/// <summary>The answer to a GET: status code and body, the body in native memory until disposed.</summary>
internal sealed class HttpAnswer(int status, string? etag, NativeBuffer buffer, int bodyStart, int bodyLength) : IDisposable
{
    public int Status { get; } = status;

    /// <summary>The response's ETag header, when it has one.</summary>
    public string? ETag { get; } = etag;

    public ReadOnlySpan<byte> Body => buffer.Written.Slice(bodyStart, bodyLength);

    /// <summary>
    /// The body between <paramref name="prefix"/> and <paramref name="suffix"/>, made in place: the prefix goes into
    /// the bytes before the body (the response head, and the headroom asked for), the suffix after it. A snapshot of
    /// megabytes is wrapped without a second copy.
    /// </summary>
    public ReadOnlySpan<byte> Wrap(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> suffix)
    {
        if (prefix.Length > bodyStart)
        {
            throw new InvalidOperationException($"{prefix.Length} bytes do not fit before the body ({bodyStart})");
        }

        prefix.CopyTo(buffer.Written[(bodyStart - prefix.Length)..]);
        buffer.Truncate(bodyStart + bodyLength);
        buffer.Append(suffix);
        return buffer.Written[(bodyStart - prefix.Length)..];
    }

    public void Dispose() => buffer.Dispose();
}

/// <summary>
/// A plain HTTP/1.1 GET (one request per connection, <c>Connection: close</c>) for the appliance's API on the same
/// box. The agent needs nothing more, and HttpClient's stack would be a sixth of its resident memory.
/// </summary>
internal static class LoopbackHttp
{
    public const int MaxResponseBytes = 64 * 1024 * 1024;

    /// <summary>
    /// GETs <paramref name="path"/>, conditionally when <paramref name="ifNoneMatch"/> is given (an unchanged resource
    /// answers 304 without a body); the answer keeps <paramref name="headroom"/> bytes free before the response
    /// (for <see cref="HttpAnswer.Wrap"/>).
    /// </summary>
    public static async Task<HttpAnswer> GetAsync(Uri baseAddress, string path, TimeSpan timeout, CancellationToken cancel, int headroom = 0, string? ifNoneMatch = null)
    {
        if (baseAddress.Scheme != Uri.UriSchemeHttp)
        {
            throw new IOException($"only http:// is supported for the appliance URL, not {baseAddress.Scheme}://");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var response = new NativeBuffer(headroom + (64 * 1024));
        response.Advance(headroom);
        try
        {
            if (IPAddress.TryParse(baseAddress.IdnHost, out var address) && IPAddress.IsLoopback(address))
            {
                // On the same box a connection is made or refused at once. Refused (the appliance restarting) is
                // routine here, and the asynchronous path would build that exception's stack trace with source
                // lines, loading the symbol reader for good: megabytes kept for a line nobody reads.
                socket.Connect(address, baseAddress.Port);
            }
            else
            {
                await socket.ConnectAsync(baseAddress.IdnHost, baseAddress.Port, deadline.Token);
            }
            var condition = ifNoneMatch is null ? "" : $"If-None-Match: {ifNoneMatch}\r\n";
            var request = $"GET {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nAccept: application/json\r\n{condition}Connection: close\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, deadline.Token);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0)
            {
                if (response.Length + read > MaxResponseBytes)
                {
                    throw new IOException($"response to {path} is larger than {MaxResponseBytes} bytes");
                }

                response.Append(buffer.AsSpan(0, read));
            }

            var answer = Parse(response, headroom);
            response = null;
            return answer;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new IOException($"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (SocketException e)
        {
            throw new IOException(e.Message, e);
        }
        finally
        {
            response?.Dispose();
        }
    }

    /// <summary>
    /// Reads a whole response held in <paramref name="response"/> from <paramref name="start"/> on; the answer then
    /// owns the buffer (a chunked body is joined in place).
    /// </summary>
    internal static HttpAnswer Parse(NativeBuffer response, int start = 0)
    {
        var bytes = response.Written[start..];
        var end = bytes.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new IOException("incomplete HTTP response");
        }

        var head = Encoding.ASCII.GetString(bytes[..end]).Split("\r\n");
        var statusLine = head[0].Split(' ', 3);
        if (statusLine.Length < 2 || !statusLine[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(statusLine[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new IOException($"not an HTTP response: {head[0]}");
        }

        var chunked = false;
        long? length = null;
        string? etag = null;
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
            else if (name.Equals("ETag", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
            {
                etag = value;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                length = n;
            }
        }

        var bodyStart = end + 4;
        var bodyLength = bytes.Length - bodyStart;
        if (chunked)
        {
            bodyLength = Dechunk(bytes[bodyStart..]);
        }
        else if (length is { } l)
        {
            if (bodyLength < l)
            {
                throw new IOException("HTTP response ended early");
            }

            bodyLength = (int)l;
        }

        return new HttpAnswer(status, etag, response, start + bodyStart, bodyLength);
    }

    /// <summary>Joins a chunked body in place (each chunk moves left over the size lines before it); returns its length.</summary>
    private static int Dechunk(Span<byte> body)
    {
        var read = 0;
        var written = 0;
        while (true)
        {
            var rest = body[read..];
            var lineEnd = rest.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                throw new IOException("HTTP chunk without a size line");
            }

            var sizeText = Encoding.ASCII.GetString(rest[..lineEnd]).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size < 0 || size > rest.Length - lineEnd - 2)
            {
                throw new IOException($"bad HTTP chunk size '{sizeText}'");
            }

            if (size == 0)
            {
                return written;
            }

            rest.Slice(lineEnd + 2, size).CopyTo(body[written..]);
            written += size;
            read += lineEnd + 2 + size;
            if (body[read..].StartsWith("\r\n"u8))
            {
                read += 2;
            }
        }
    }
}
