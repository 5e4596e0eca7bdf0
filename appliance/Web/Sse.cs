using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Edge.Appliance.Results;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Web;

/// <summary>
/// One subscription to the results engine, fanned out to every live page and display. Each client has a small
/// bounded queue that drops its oldest notices when the client is slow: a phone on a weak link loses nothing
/// but intermediate refreshes, and the engine is never held up by a phone.
/// </summary>
public sealed partial class LiveUpdates(
    IResultsFeed results, IOptions<WebOptions> options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<LiveUpdates> logger) : BackgroundService
{
    private readonly Lock _lock = new();

    private readonly WebOptions _options = options.Value;
    private LiveClient[] _clients = [];

    public int Count => Volatile.Read(ref _clients).Length;

    public LiveClient? Subscribe(string? raceId, string? bib)
    {
        lock (_lock)
        {
            if (_clients.Length >= _options.MaxLiveClients)
            {
                return null;
            }

            var client = new LiveClient(raceId, bib);
            _clients = [.. _clients, client];
            return client;
        }
    }

    public void Unsubscribe(LiveClient client)
    {
        lock (_lock)
        {
            _clients = [.. _clients.Where(c => c != client)];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in results.WatchAsync(stoppingToken).ConfigureAwait(false))
                {
                    foreach (var client in Volatile.Read(ref _clients))
                    {
                        client.Offer(change);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                // Live pages are a convenience; the box goes on timing. Listen again after a pause.
                LogFailed(e);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// <c>GET /events?race=ID&amp;bib=BIB&amp;v=VERSION</c>: a server-sent event stream. Each <c>change</c> event carries
    /// the snapshot version (also its id) and the bibs that changed or finished; a comment every <c>Web:LiveHeartbeat</c> keeps
    /// proxies and phones from closing an idle connection (screens have their own stream, <see cref="ScreenStreams"/>).
    /// A client that was away (its <c>Last-Event-ID</c>, or
    /// the <c>v</c> its page was rendered at, is not the current version) is told to refresh at once.
    /// </summary>
    public async Task StreamAsync(HttpContext context)
    {
        var request = context.Request;
        var raceId = WebInput.Text(request, "race", WebInput.MaxIdLength);
        var bib = WebInput.Text(request, "bib", WebInput.MaxBibLength);
        var seen = WebInput.Long(request, "v");
        if (request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastId && long.TryParse(lastId, NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            seen = last;
        }

        var meet = results.Current.Meet;
        if (raceId is not null && meet.FindRace(raceId) is null)
        {
            throw new NotFoundException($"There is no race '{raceId}'.");
        }

        var client = Subscribe(raceId is null ? null : meet.FindRace(raceId)!.Id, bib);
        if (client is null)
        {
            await EventStream.RefuseAsync(context).ConfigureAwait(false);
            return;
        }

        // The stream ends when the phone goes or the box stops (a stopping box does not wait for phones).
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var aborted = ending.Token;
        try
        {
            var response = context.Response;
            EventStream.Begin(context);
            var first = new StringBuilder("retry: 2000\n\n");
            // Read after subscribing, so a change in between is either in this snapshot or in the queue.
            var snapshot = results.Current;
            // Versions count from the box's start: a different one (older, or from before a restart) means stale.
            if (seen is { } s && s != snapshot.Version)
            {
                first.Append(Event(snapshot.Version, [], []));
            }

            await response.WriteAsync(first.ToString(), aborted).ConfigureAwait(false);
            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            await client.RunAsync(response, _options.LiveInterval, _options.LiveHeartbeat, time, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The phone went away mid-write.
        }
        finally
        {
            Unsubscribe(client);
        }
    }

    internal static string Event(long version, IReadOnlyCollection<string> bibs, IReadOnlyCollection<string> finished)
    {
        var text = new StringBuilder(64);
        text.Append("id: ").Append(version.ToString(CultureInfo.InvariantCulture)).Append("\nevent: change\ndata: {\"v\":")
            .Append(version.ToString(CultureInfo.InvariantCulture));
        AppendList(text, "bibs", bibs);
        AppendList(text, "finished", finished);
        text.Append("}\n\n");
        return text.ToString();

        static void AppendList(StringBuilder text, string name, IReadOnlyCollection<string> items)
        {
            text.Append(",\"").Append(name).Append("\":[");
            var first = true;
            foreach (var item in items)
            {
                text.Append(first ? "\"" : ",\"");
                foreach (var c in item)
                {
                    // Bibs are short roster strings; anything that would need JSON escaping is written as \uXXXX.
                    if (c is '"' or '\\' || c < ' ' || c > '~')
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }
                }

                text.Append('"');
                first = false;
            }

            text.Append(']');
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Live updates failed; listening again")]
    private partial void LogFailed(Exception e);
}

/// <summary>One connected page: what it follows and its queue of notices.</summary>
public sealed class LiveClient(string? raceId, string? bib)
{
    /// <summary>Listed in one event at most; a page only needs to know whether to refresh.</summary>
    private const int MaxListed = 50;

    private readonly Channel<(ResultsChange Change, bool Direct)> _queue = Channel.CreateBounded<(ResultsChange, bool)>(
        new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });

    /// <summary>Completed by <see cref="Offer"/> when a notice for this client's runner arrives while it coalesces.</summary>
    private TaskCompletionSource? _directWaiter;

    /// <summary>A notice for this client's runner is queued and not yet sent.</summary>
    private volatile bool _directQueued;

    public string? RaceId { get; } = raceId;

    public string? Bib { get; } = bib;

    /// <summary>Queues the change when it concerns this client; never blocks.</summary>
    public void Offer(ResultsChange change)
    {
        var direct = Bib is not null && (change.Bibs.Contains(Bib) || change.Finished.Contains(Bib));
        var relevant = direct || RaceId is null && Bib is null || RaceId is not null && change.Races.Contains(RaceId, StringComparer.OrdinalIgnoreCase);
        if (relevant)
        {
            _queue.Writer.TryWrite((change, direct));
        }

        if (direct)
        {
            _directQueued = true;
            Interlocked.MemoryBarrier();
            Volatile.Read(ref _directWaiter)?.TrySetResult();
        }
    }

    /// <summary>
    /// Sends this client's notices until it goes. Intervals are measured on the monotonic clock: the box has no
    /// battery-backed clock and chrony steps its wall clock, by hours after a cold start, in either direction.
    /// </summary>
    internal async Task RunAsync(HttpResponse response, TimeSpan interval, TimeSpan heartbeat, TimeProvider time, CancellationToken aborted)
    {
        var reader = _queue.Reader;
        long? lastSent = null;
        var bibs = new List<string>();
        var finished = new List<string>();
        while (!aborted.IsCancellationRequested)
        {
            if (!await WaitAsync(reader, heartbeat, time, aborted).ConfigureAwait(false))
            {
                await response.WriteAsync(": ping\n\n", aborted).ConfigureAwait(false);
                await response.Body.FlushAsync(aborted).ConfigureAwait(false);
                continue;
            }

            var direct = Drain(reader, bibs, finished, out var version);
            var wait = Remaining(lastSent, interval, time);
            if (!direct && wait > TimeSpan.Zero)
            {
                // Coalesce: let the rest of the interval pass, then take everything that arrived meanwhile, unless
                // this runner's own row changes first. A plain delay, not a cancelled wait: seven hundred streams
                // coalescing ten times a second must not cost an exception each time.
                await CoalesceAsync(wait, time, aborted).ConfigureAwait(false);
                direct = Drain(reader, bibs, finished, out var newer) || direct;
                version = Math.Max(version, newer);
            }

            lastSent = time.GetTimestamp();
            if (version > 0)
            {
                await response.WriteAsync(LiveUpdates.Event(version, bibs, finished), aborted).ConfigureAwait(false);
            }

            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            bibs.Clear();
            finished.Clear();
        }
    }

    /// <summary>
    /// Waits out <paramref name="wait"/>; a client following one runner wakes early when a notice for that runner arrives
    /// (<see cref="Offer"/> completes its waiter).
    /// </summary>
    private async Task CoalesceAsync(TimeSpan wait, TimeProvider time, CancellationToken aborted)
    {
        var delay = Task.Delay(wait, time, aborted);
        if (Bib is not null)
        {
            var woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // A full fence: a direct notice queued before the waiter was set would not complete it, so look once after.
            Interlocked.Exchange(ref _directWaiter, woken);
            if (!_directQueued)
            {
                await Task.WhenAny(delay, woken.Task).ConfigureAwait(false);
            }

            Volatile.Write(ref _directWaiter, null);
        }
        else
        {
            await Task.WhenAny(delay).ConfigureAwait(false);
        }

        aborted.ThrowIfCancellationRequested();
    }

    /// <summary>What is left of the interval since the last event; nothing before the first.</summary>
    private static TimeSpan Remaining(long? lastSent, TimeSpan interval, TimeProvider time) =>
        lastSent is { } sent ? interval - time.GetElapsedTime(sent) : TimeSpan.Zero;

    private static async Task<bool> WaitAsync(ChannelReader<(ResultsChange, bool)> reader, TimeSpan heartbeat, TimeProvider time, CancellationToken aborted)
    {
        if (reader.TryPeek(out _))
        {
            return true;
        }

        using var timeout = new CancellationTokenSource(heartbeat, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token);
        try
        {
            return await reader.WaitToReadAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return false;
        }
    }

    private bool Drain(ChannelReader<(ResultsChange Change, bool Direct)> reader, List<string> bibs, List<string> finished, out long version)
    {
        var direct = false;
        version = 0;
        _directQueued = false;
        while (reader.TryRead(out var item))
        {
            direct |= item.Direct;
            version = Math.Max(version, item.Change.Version);
            Collect(item.Change.Bibs, bibs);
            Collect(item.Change.Finished, finished);
        }

        return direct;

        void Collect(IReadOnlyList<string> from, List<string> into)
        {
            foreach (var b in from)
            {
                if (Bib is not null && b == Bib)
                {
                    // This client's runner always makes the list, ahead of everyone else.
                    into.Remove(b);
                    into.Insert(0, b);
                }
                else if (into.Count < MaxListed && !into.Contains(b))
                {
                    into.Add(b);
                }
            }
        }
    }
}

/// <summary>The parts every server-sent event stream of the box shares: its headers, and the answer when there are too many.</summary>
public static class EventStream
{
    /// <summary>Starts the answer as an event stream: never cached, never buffered (by Kestrel or a proxy in front).</summary>
    public static void Begin(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>503 with Retry-After: the browser's EventSource tries again later by itself.</summary>
    public static Task RefuseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "10";
        return context.Response.WriteAsync("Too many live connections; try again shortly.\n", context.RequestAborted);
    }
}

/// <summary>What was asked for does not exist: answered 404 with the message.</summary>
public sealed class NotFoundException(string message) : Exception(message);
