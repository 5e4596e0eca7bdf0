using System.Diagnostics;
using System.Text;

namespace Edge.Tests.Support;

/// <summary>One server-sent event as a browser's EventSource would see it; comments are kept for heartbeat checks.</summary>
public sealed record ServerEvent(string? Id, string Event, string Data, string? Comment, TimeSpan At);

/// <summary>Reads a <c>text/event-stream</c> response event by event.</summary>
public sealed class SseReader : IDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private SseReader(HttpClient http, HttpResponseMessage response, Stream stream)
    {
        _http = http;
        _response = response;
        _reader = new StreamReader(stream, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Opens the stream at the box's address; the caller checks <see cref="Response"/> for the status.</summary>
    public static async Task<SseReader> OpenAsync(HttpClient box, string path, string? lastEventId = null, CancellationToken cancellationToken = default)
    {
        // An own connection that is dropped, not drained, when the reader is disposed (a stream never ends by itself).
        var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0, ResponseDrainTimeout = TimeSpan.Zero }) { BaseAddress = box.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return new SseReader(http, response, await response.Content.ReadAsStreamAsync(cancellationToken));
    }

    /// <summary>The next event or comment; null when the stream ends. Throws on timeout.</summary>
    public async Task<ServerEvent?> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        string? id = null, comment = null;
        var name = "message";
        var data = new StringBuilder();
        var any = false;
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token);
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (any)
                {
                    return new ServerEvent(id, name, data.ToString(), comment, _clock.Elapsed);
                }

                continue;
            }

            any = true;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "":
                    comment = value;
                    break;
                case "id":
                    id = value;
                    break;
                case "event":
                    name = value;
                    break;
                case "data":
                    data.Append(data.Length > 0 ? "\n" : "").Append(value);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Reads until an event matches; returns it. Throws on timeout.</summary>
    public async Task<ServerEvent> WaitForAsync(Func<ServerEvent, bool> match, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("no matching event");
            }

            var next = await NextAsync(left) ?? throw new InvalidOperationException("the stream ended");
            if (match(next))
            {
                return next;
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
    }
}
