using System.Collections.Concurrent;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Appliance.Web;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Cloud.Events;

/// <summary>A folder of the events folder that does not load, and why; it is skipped until it does.</summary>
public sealed record EventProblem(string Folder, string Problem, DateTimeOffset Since);

/// <summary>
/// The events this instance serves: one per folder of <see cref="EventOptions.EventsDir"/>, looked at every
/// <see cref="EventOptions.EventScanInterval"/>. A new folder starts its event, an edited one replays beside the running
/// one and replaces it once caught up, a removed one stops. A folder that does not load is reported (log, status) and
/// skipped; if its event was running, the last good definition goes on. Nothing here ever stops the instance.
/// </summary>
public sealed partial class EventCatalog(
    IOptions<EventOptions> options,
    NpgsqlDataSource database,
    IOptions<WebOptions> web,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILoggerFactory logs) : BackgroundService, IResultsSites
{
    private readonly EventOptions _options = options.Value;
    private readonly ILogger _log = logs.CreateLogger<EventCatalog>();
    private readonly ConcurrentDictionary<string, EventFeed> _feeds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Loaded> _folders = new(StringComparer.Ordinal);
    private readonly List<EventResults> _replacing = [];
    private volatile IReadOnlyList<EventProblem> _problems = [];

    /// <summary>The events served now, by id.</summary>
    public IReadOnlyCollection<EventFeed> Events => [.. _feeds.Values.OrderBy(f => f.Id, StringComparer.Ordinal)];

    /// <summary>Folders that do not load now.</summary>
    public IReadOnlyList<EventProblem> Problems => _problems;

    public EventFeed? Find(string id) => _feeds.TryGetValue(id, out var feed) ? feed : null;

    /// <summary>The event a request's <c>{eventId}</c> names.</summary>
    public ResultsSite? Find(HttpContext context) =>
        context.GetRouteValue("eventId") is string id && Find(id) is { } feed ? feed.Site : null;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (string.IsNullOrWhiteSpace(_options.EventsDir))
        {
            LogNoEvents();
            return;
        }

        var folder = Path.GetFullPath(_options.EventsDir);
        using var timer = new PeriodicTimer(_options.EventScanInterval, time);
        try
        {
            do
            {
                try
                {
                    await ScanAsync(folder).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Report(folder, $"{folder}: {e.Message}");
                }
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var results in _replacing)
            {
                await results.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var feed in _feeds.Values)
            {
                await StopAsync(feed).ConfigureAwait(false);
            }
        }
    }

    private async Task ScanAsync(string root)
    {
        var problems = new List<EventProblem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(root))
        {
            problems.Add(Problem(root, $"{root}: there is no such folder (Cloud:EventsDir); no event is served until it exists"));
        }
        else
        {
            foreach (var dir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(dir);
                if (name.StartsWith('.'))
                {
                    continue;
                }

                seen.Add(dir);
                if (Look(dir) is { } problem)
                {
                    problems.Add(problem);
                }
            }
        }

        // Removed folders: their events stop.
        foreach (var gone in _folders.Keys.Where(f => !seen.Contains(f)).ToList())
        {
            var loaded = _folders[gone];
            _folders.Remove(gone);
            if (loaded.Event is { } definition && _feeds.TryRemove(definition.Id, out var feed))
            {
                LogStopped(definition.Id, gone);
                await StopAsync(feed).ConfigureAwait(false);
            }
        }

        // Edited events that have caught up take over.
        foreach (var next in _replacing.Where(r => r.Ready.IsCompleted).ToList())
        {
            _replacing.Remove(next);
            if (_feeds.TryGetValue(next.Definition.Id, out var feed))
            {
                await feed.Replace(next).DisposeAsync().ConfigureAwait(false);
                LogReplaced(next.Definition.Id);
            }
            else
            {
                await next.DisposeAsync().ConfigureAwait(false);
            }
        }

        _problems = problems;
    }

    /// <summary>Loads a new or edited folder and starts or replaces its event; the folder's problem, if it has one.</summary>
    private EventProblem? Look(string dir)
    {
        var stamp = EventFolder.Stamp(dir);
        if (_folders.TryGetValue(dir, out var known) && known.Stamp == stamp)
        {
            return known.Problem;
        }

        CloudEvent definition;
        try
        {
            definition = EventFolder.Load(dir);
        }
        catch (MeetException e)
        {
            var problem = known?.Problem is { } same && same.Problem == e.Message ? same : Problem(dir, e.Message);
            if (!ReferenceEquals(problem, known?.Problem))
            {
                LogBadFolder(dir, e.Message, known?.Event is not null);
            }

            // A running event goes on with its last good definition.
            _folders[dir] = new Loaded(stamp, known?.Event, problem);
            return problem;
        }

        if (_feeds.TryGetValue(definition.Id, out var holder) && holder.Results.Definition.Folder != dir)
        {
            var problem = Problem(dir, $"{Path.Combine(dir, EventFolder.EventFile)}: field 'id': '{definition.Id}' is already the event of {holder.Results.Definition.Folder}");
            LogBadFolder(dir, problem.Problem, false);
            _folders[dir] = new Loaded(stamp, known?.Event, problem);
            return problem;
        }

        if (known?.Event is { } before && before.Id != definition.Id && _feeds.TryRemove(before.Id, out var renamed))
        {
            LogStopped(before.Id, dir);
            _ = StopAsync(renamed);
        }

        var results = new EventResults(definition, database, _options.EventPollInterval, time, logs.CreateLogger<EventResults>(), _options.EventPostInterval);
        results.Start();
        if (_feeds.ContainsKey(definition.Id))
        {
            // Replays beside the running definition and replaces it once caught up (a later scan swaps them).
            foreach (var stale in _replacing.Where(r => r.Definition.Id == definition.Id).ToList())
            {
                _replacing.Remove(stale);
                _ = stale.DisposeAsync().AsTask();
            }

            _replacing.Add(results);
            LogReloading(definition.Id, dir);
        }
        else
        {
            var feed = new EventFeed(definition.Id, results, Live);
            _feeds[definition.Id] = feed;
            _ = feed.Live.StartAsync(lifetime.ApplicationStopping);
            LogStarted(definition.Id, dir, definition.Boxes.Count, string.Join(", ", definition.Boxes.Select(b => $"{b.Device} ({b.Meet})")));
        }

        _folders[dir] = new Loaded(stamp, definition, null);
        return null;
    }

    private LiveUpdates Live(IResultsFeed feed) => new(feed, web, time, lifetime, logs.CreateLogger<LiveUpdates>());

    private static async Task StopAsync(EventFeed feed)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await feed.Live.StopAsync(deadline.Token).ConfigureAwait(false);
        feed.Live.Dispose();
        await feed.Results.DisposeAsync().ConfigureAwait(false);
    }

    private EventProblem Problem(string folder, string problem) => new(folder, problem, time.GetUtcNow());

    private void Report(string folder, string problem)
    {
        LogBadFolder(folder, problem, false);
        _problems = [Problem(folder, problem)];
    }

    private sealed record Loaded(string Stamp, CloudEvent? Event, EventProblem? Problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "No Cloud:EventsDir: this instance lands boxes' entries and serves no event")]
    private partial void LogNoEvents();

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} from {Folder}: {Count} boxes: {Boxes}")]
    private partial void LogStarted(string eventId, string folder, int count, string boxes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId}: {Folder} was edited; the new definition replays and takes over once caught up")]
    private partial void LogReloading(string eventId, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId}: the edited definition took over")]
    private partial void LogReplaced(string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId}: its folder {Folder} is gone; the event stops")]
    private partial void LogStopped(string eventId, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event folder {Folder} skipped: {Problem} (still running its last good definition: {Running})")]
    private partial void LogBadFolder(string folder, string problem, bool running);
}
