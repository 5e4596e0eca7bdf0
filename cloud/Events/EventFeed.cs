using Edge.Appliance.Results;
using Edge.Appliance.Web;

namespace Edge.Cloud.Events;

/// <summary>
/// What the pages of one event id read, for as long as the id is served: the results of the event's current
/// definition, and one live stream. When the folder is edited, the new definition replays beside the old one and
/// takes over once it has caught up; open pages are told to refresh.
/// </summary>
public sealed class EventFeed : IResultsFeed
{
    private readonly ChangeNotices _notices = new();
    private EventResults _results;

    public EventFeed(string id, EventResults results, Func<IResultsFeed, LiveUpdates> live)
    {
        Id = id;
        _results = results;
        results.Changed += _notices.Publish;
        Live = live(this);
        Site = new ResultsSite($"/e/{id}", this, Live);
    }

    public string Id { get; }

    public ResultsSite Site { get; }

    public LiveUpdates Live { get; }

    public EventResults Results => Volatile.Read(ref _results);

    public ResultsSnapshot Current => Results.Current;

    public IAsyncEnumerable<ResultsChange> WatchAsync(CancellationToken cancellationToken) => _notices.WatchAsync(cancellationToken);

    /// <summary>Serves <paramref name="next"/> from now on and returns the results it replaces.</summary>
    public EventResults Replace(EventResults next)
    {
        next.Changed += _notices.Publish;
        var before = Interlocked.Exchange(ref _results, next);
        before.Changed -= _notices.Publish;
        var snapshot = next.Current;
        _notices.Publish(new ResultsChange(snapshot.Version, snapshot.LastLogId, [.. snapshot.Races.Keys], [], []));
        return before;
    }
}
