using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Edge.Appliance.Results;

/// <summary>
/// Where pages get results: the latest immutable snapshot, and a notice after each change. The box has one (its
/// <see cref="ResultsService"/>); the cloud has one per event, fed from many boxes' logs.
/// </summary>
public interface IResultsFeed
{
    /// <summary>Results as of the last applied batch; replaced whole, never mutated.</summary>
    ResultsSnapshot Current { get; }

    /// <summary>Every change from now on. A subscriber that falls behind loses the oldest notices, never blocks the engine.</summary>
    IAsyncEnumerable<ResultsChange> WatchAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The subscribers to a feed's change notices. Each owns a small bounded queue that drops its oldest notice, so a
/// slow one never holds up whoever publishes.
/// </summary>
public sealed class ChangeNotices
{
    private readonly List<Channel<ResultsChange>> _watchers = [];
    private readonly Lock _lock = new();

    public async IAsyncEnumerable<ResultsChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ResultsChange>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock)
        {
            _watchers.Add(channel);
        }

        try
        {
            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return change;
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(channel);
            }
        }
    }

    public void Publish(ResultsChange change)
    {
        lock (_lock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(change);
            }
        }
    }
}
