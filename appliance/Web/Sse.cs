using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Edge.Appliance.Results;
using Edge.Appliance.Screens;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Web;

/// <summary>
/// One subscription to the results engine, fanned out to every live page and display. Each client has a small
/// bounded queue that drops its oldest notices when the client is slow: a phone on a weak link loses nothing
/// but intermediate refreshes, and the engine is never held up by a phone.
/// </summary>
public sealed partial class LiveUpdates(
    ResultsService results, ScreenDesigns designs, IOptions<WebOptions> options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<LiveUpdates> logger) : BackgroundService
{
    private readonly Lock _lock = new();

    private readonly WebOptions _options = options.Value;
    private LiveClient[] _clients = [];

    public int Count => Volatile.Read(ref _clients).Length;

    public LiveClient? Subscribe(string? raceId, string? bib, string? display = null)
    {
        lock (_lock)
        {
            if (_clients.Length >= _options.MaxLiveClients)
            {
                return null;
            }

            var client = new LiveClient(raceId, bib) { Display = display };
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

    /// <summary>Tells every screen a design changed; each fetches its own display again.</summary>
    private void OnDesignChanged(ScreenSet set)
    {
        foreach (var client in Volatile.Read(ref _clients))
        {
            client.OfferDesign();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        designs.Changed += OnDesignChanged;
        using var unsubscribe = stoppingToken.Register(() => designs.Changed -= OnDesignChanged);
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
    /// proxies and phones from closing an idle connection. A screen (<c>display=ID</c>) also gets a <c>design</c> event
    /// when a template or display changed. A client that was away (its <c>Last-Event-ID</c>, or
    /// the <c>v</c> its page was rendered at, is not the current version) is told to refresh at once.
    /// </summary>
    public async Task StreamAsync(HttpContext context)
    {
        var request = context.Request;
        var raceId = WebInput.Text(request, "race", WebInput.MaxIdLength);
        var bib = WebInput.Text(request, "bib", WebInput.MaxBibLength);
        var display = WebInput.Text(request, "display", WebInput.MaxIdLength);
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

        var client = Subscribe(raceId is null ? null : meet.FindRace(raceId)!.Id, bib, display);
        if (client is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "10";
            await context.Response.WriteAsync("Too many live connections; try again shortly.\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        // The stream ends when the phone goes or the box stops (a stopping box does not wait for phones).
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var aborted = ending.Token;
        try
        {
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-store";
            response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
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

    internal const string DesignEvent = "event: design\ndata: {}\n\n";

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

    private readonly Channel<(ResultsChange? Change, bool Direct)> _queue = Channel.CreateBounded<(ResultsChange?, bool)>(
        new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });

    public string? RaceId { get; } = raceId;

    public string? Bib { get; } = bib;

    /// <summary>The display id of a screen, which follows its design as well as results.</summary>
    public string? Display { get; init; }

    /// <summary>Queues a design notice for a screen; never blocks.</summary>
    public void OfferDesign()
    {
        if (Display is not null)
        {
            _queue.Writer.TryWrite((null, true));
        }
    }

    /// <summary>Queues the change when it concerns this client; never blocks.</summary>
    public void Offer(ResultsChange change)
    {
        var direct = Bib is not null && (change.Bibs.Contains(Bib) || change.Finished.Contains(Bib));
        var relevant = direct || RaceId is null && Bib is null || RaceId is not null && change.Races.Contains(RaceId, StringComparer.OrdinalIgnoreCase);
        if (relevant)
        {
            _queue.Writer.TryWrite((change, direct));
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

            var direct = Drain(reader, bibs, finished, out var version, out var design);
            var wait = Remaining(lastSent, interval, time);
            while (!direct && wait > TimeSpan.Zero)
            {
                // Coalesce: gather what else arrives during the rest of the interval, unless this runner's row changes.
                using var timeout = new CancellationTokenSource(wait, time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token);
                try
                {
                    await reader.WaitToReadAsync(either.Token).ConfigureAwait(false);
                    direct = Drain(reader, bibs, finished, out var newer, out var redesigned) || direct;
                    design |= redesigned;
                    version = Math.Max(version, newer);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    break;
                }

                wait = Remaining(lastSent, interval, time);
            }

            lastSent = time.GetTimestamp();
            if (design)
            {
                await response.WriteAsync(LiveUpdates.DesignEvent, aborted).ConfigureAwait(false);
            }

            if (version > 0)
            {
                await response.WriteAsync(LiveUpdates.Event(version, bibs, finished), aborted).ConfigureAwait(false);
            }


            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            bibs.Clear();
            finished.Clear();
        }
    }

    /// <summary>What is left of the interval since the last event; nothing before the first.</summary>
    private static TimeSpan Remaining(long? lastSent, TimeSpan interval, TimeProvider time) =>
        lastSent is { } sent ? interval - time.GetElapsedTime(sent) : TimeSpan.Zero;

    private static async Task<bool> WaitAsync(ChannelReader<(ResultsChange?, bool)> reader, TimeSpan heartbeat, TimeProvider time, CancellationToken aborted)
    {
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

    private bool Drain(ChannelReader<(ResultsChange? Change, bool Direct)> reader, List<string> bibs, List<string> finished, out long version, out bool design)
    {
        var direct = false;
        version = 0;
        design = false;
        while (reader.TryRead(out var item))
        {
            direct |= item.Direct;
            if (item.Change is null)
            {
                design = true;
                continue;
            }

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

/// <summary>What was asked for does not exist: answered 404 with the message.</summary>
public sealed class NotFoundException(string message) : Exception(message);
