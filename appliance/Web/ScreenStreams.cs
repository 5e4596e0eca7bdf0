using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Edge.Appliance.Results;
using Edge.Appliance.Screens;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Web;

/// <summary>
/// The screens' live path (<c>/d/{id}/events</c>). Every <c>Web:DisplayInterval</c> the box renders what each open
/// screen shows, once per template (and race filter and page), and sends the fragment itself down the stream of a
/// screen only when it differs from what that screen last got. A screen never asks: a change costs one render
/// however many screens show it, nothing when nothing changed, and no request per screen. Pages of a cycling
/// layout advance here, so every screen showing one template shows the same page. A stream that opens (a new
/// screen, or one back after a lost link or the box's restart) gets the current fragment at the next tick.
/// </summary>
public sealed partial class ScreenStreams(
    ResultsService results, Orienteering.OrienteeringResults orienteering, ScreenDesigns designs, PageCache cache, IOptions<WebOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<ScreenStreams> logger) : BackgroundService
{
    private static readonly byte[] Ping = ": ping\n\n"u8.ToArray();
    private static readonly byte[] Gone = "event: gone\ndata: \n\n"u8.ToArray();

    /// <summary>What a screen whose display is gone was last sent.</summary>
    private const string GoneTag = "gone";

    private readonly WebOptions _options = options.Value;
    private readonly Lock _lock = new();
    private ScreenClient[] _clients = [];

    // Touched only by the tick loop.
    private readonly Dictionary<(string Template, string? Race, int? Pinned), Feed> _feeds = [];

    public int Count => Volatile.Read(ref _clients).Length;

    /// <summary>
    /// <c>GET /d/{id}/events?race=ID&amp;page=N</c>: the screen's stream of <c>screen</c>, <c>style</c> and <c>gone</c>
    /// events. With <c>page</c> the screen stays on that page instead of cycling.
    /// </summary>
    public async Task StreamAsync(HttpContext context, string id)
    {
        id = WebInput.Route(id, "display", WebInput.MaxIdLength);
        _ = designs.Current.Find(id) ?? throw new NotFoundException("There is no display with that address.");
        var race = WebInput.Text(context.Request, "race", WebInput.MaxIdLength);
        int? pinned = context.Request.Query.ContainsKey("page") ? WebInput.Number(context.Request, "page", 1, 1000) : null;
        var client = Subscribe(id, race, pinned);
        if (client is null)
        {
            await EventStream.RefuseAsync(context).ConfigureAwait(false);
            return;
        }

        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var aborted = ending.Token;
        try
        {
            var response = context.Response;
            EventStream.Begin(context);
            await response.WriteAsync("retry: 2000\n\n", aborted).ConfigureAwait(false);
            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            await foreach (var message in client.Queue.Reader.ReadAllAsync(aborted).ConfigureAwait(false))
            {
                await message.WriteAsync(response.Body, aborted).ConfigureAwait(false);
                await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The screen went away mid-write.
        }
        finally
        {
            Unsubscribe(client);
        }
    }

    private ScreenClient? Subscribe(string displayId, string? race, int? pinned)
    {
        lock (_lock)
        {
            if (_clients.Length >= _options.MaxLiveClients)
            {
                return null;
            }

            var client = new ScreenClient(displayId, race, pinned, time.GetTimestamp());
            _clients = [.. _clients, client];
            return client;
        }
    }

    private void Unsubscribe(ScreenClient client)
    {
        lock (_lock)
        {
            _clients = [.. _clients.Where(c => c != client)];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.DisplayInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Tick();
                }
                catch (Exception e)
                {
                    // Screens are a convenience; the box goes on timing, and the next tick tries again.
                    LogFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: each open screen gets what it shows now, if that is not what it has.</summary>
    internal void Tick()
    {
        var clients = Volatile.Read(ref _clients);
        if (clients.Length == 0)
        {
            _feeds.Clear();
            return;
        }

        var snapshot = new ScreenSources(results.Current, orienteering.Current);
        var set = designs.Current;
        var now = time.GetUtcNow();
        var tick = time.GetTimestamp();
        var shown = new HashSet<(string, string?, int?)>();
        foreach (var client in clients)
        {
            if (set.Find(client.DisplayId) is not { } found)
            {
                if (client.LastTag != GoneTag)
                {
                    client.Offer(new ScreenMessage(null, Gone), tick);
                    client.LastTag = GoneTag;
                    client.LastStyle = null;
                }

                continue;
            }

            var (display, template) = found;
            var key = (template.Id, client.Race, client.Pinned);
            if (!_feeds.TryGetValue(key, out var feed))
            {
                feed = new Feed(client.Pinned, tick);
                _feeds[key] = feed;
            }

            if (shown.Add(key))
            {
                feed.Advance(snapshot, set, display, template, client.Race, now, tick, Cycle(template), cache, time);
            }

            if (feed.Style != client.LastStyle)
            {
                client.Offer(new ScreenMessage(null, feed.StyleEvent), tick);
                client.LastStyle = feed.Style;
            }

            if (feed.Tag != client.LastTag)
            {
                // The box's time goes with each send, not with the shared render: the announcer's clock sets itself by it.
                client.Offer(new ScreenMessage($"event: screen\ndata: {now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}\n", feed.Body), tick);
                client.LastTag = feed.Tag;
            }
            else if (time.GetElapsedTime(client.LastSent, tick) >= _options.LiveHeartbeat)
            {
                client.Offer(new ScreenMessage(null, Ping), tick);
            }
        }

        // A template nobody shows any more is forgotten, with its page.
        foreach (var key in _feeds.Keys.Where(k => !shown.Contains(k)).ToList())
        {
            _feeds.Remove(key);
        }
    }

    private TimeSpan Cycle(DisplayTemplate template) =>
        template.BuiltIn ? _options.DisplayCycle : TimeSpan.FromSeconds(template.SecondsPerPage);

    [LoggerMessage(Level = LogLevel.Error, Message = "Screens could not be brought up to date; trying again")]
    private partial void LogFailed(Exception e);

    /// <summary>What the screens of one template (and race filter) show: its page, its fragment as an event body.</summary>
    private sealed class Feed(int? pinned, long since)
    {
        private int _page = pinned ?? 1;
        private long _since = since;

        public string? Tag { get; private set; }

        /// <summary>The fragment as SSE <c>data:</c> lines, shared by every screen of the template.</summary>
        public byte[] Body { get; private set; } = [];

        public string? Style { get; private set; }

        public byte[] StyleEvent { get; private set; } = [];

        public void Advance(ScreenSources snapshot, ScreenSet set, ScreenDisplay display, DisplayTemplate template, string? race, DateTimeOffset now, long tick, TimeSpan cycle, PageCache cache, TimeProvider time)
        {
            CachedPage page;
            try
            {
                page = Displays.Fragment(snapshot, set, display, template, race, _page, cycle, now, cache);
                if (pinned is null && page.Pages > 0 && _page > page.Pages)
                {
                    // Fewer pages than before (runners finished): start the cycle again.
                    (_page, _since) = (1, tick);
                    page = Displays.Fragment(snapshot, set, display, template, race, _page, cycle, now, cache);
                }
                else if (pinned is null && page.Pages > 1 && time.GetElapsedTime(_since, tick) >= cycle)
                {
                    (_page, _since) = (_page % page.Pages + 1, tick);
                    page = Displays.Fragment(snapshot, set, display, template, race, _page, cycle, now, cache);
                }
            }
            catch (NotFoundException e)
            {
                // The template no longer shows the race this screen was opened for.
                page = CachedPage.FromHtml(snapshot.Results, Message(e.Message));
            }

            if (page.ETag != Tag)
            {
                Tag = page.ETag;
                Body = DataLines(page.Body);
            }

            var style = Displays.StyleUrl(display.Id, template);
            if (style != Style)
            {
                Style = style;
                StyleEvent = Encoding.UTF8.GetBytes($"event: style\ndata: {style}\n\n");
            }
        }

        private static Html Message(string text)
        {
            var html = new Html(256);
            html.Add($"<p class=\"none\">{text}</p>");
            return html;
        }

        /// <summary>Every line of the fragment as a <c>data:</c> line (the browser joins them with newlines), then the event's end.</summary>
        private static byte[] DataLines(byte[] body)
        {
            var text = Encoding.UTF8.GetString(body);
            var lines = new StringBuilder(text.Length + 64);
            foreach (var line in text.Split(["\r\n", "\r", "\n"], StringSplitOptions.None))
            {
                lines.Append("data: ").Append(line).Append('\n');
            }

            return Encoding.UTF8.GetBytes(lines.Append('\n').ToString());
        }
    }
}

/// <summary>One event to a screen: a head made for this send (or none), then a body shared by every screen.</summary>
internal readonly record struct ScreenMessage(string? Head, byte[] Body)
{
    public async ValueTask WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (Head is not null)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(Head), cancellationToken).ConfigureAwait(false);
        }

        await stream.WriteAsync(Body, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>One open screen: which display it is, what it last got, its small queue.</summary>
internal sealed class ScreenClient(string displayId, string? race, int? pinned, long opened)
{
    public string DisplayId { get; } = displayId;

    public string? Race { get; } = race;

    /// <summary>The page this screen stays on; null when it cycles with the others of its template.</summary>
    public int? Pinned { get; } = pinned;

    /// <summary>A slow screen loses its oldest events; the newest is what matters.</summary>
    public Channel<ScreenMessage> Queue { get; } = Channel.CreateBounded<ScreenMessage>(
        new BoundedChannelOptions(8) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });

    public string? LastTag { get; set; }

    public string? LastStyle { get; set; }

    public long LastSent { get; private set; } = opened;

    public void Offer(ScreenMessage message, long at)
    {
        Queue.Writer.TryWrite(message);
        LastSent = at;
    }
}
