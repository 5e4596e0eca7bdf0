using System.Threading.Channels;

namespace Edge.Appliance.Results;

/// <summary>
/// Replays a log in pages: one task reads the next page while the caller takes the last one in. A failure on
/// either side ends both; neither is left waiting on the other (a reader blocked on a full channel is cancelled).
/// </summary>
public static class ReplayPump
{
    /// <summary>
    /// Reads pages after <paramref name="afterId"/> with <paramref name="read"/> (which returns the page and the last
    /// id it looked at; a page may be empty when every row it looked at was skipped) until nothing is left, handing
    /// each non-empty page to <paramref name="add"/> in order. Returns the items added and the last id looked at.
    /// </summary>
    public static async Task<(long Count, long LastId)> RunAsync<T>(
        Func<long, CancellationToken, (List<T> Page, long ScannedTo)> read,
        long afterId,
        Action<List<T>> add,
        CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pages = Channel.CreateBounded<List<T>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var lastId = afterId;
        var reader = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var (page, scanned) = read(lastId, stop.Token);
                    if (scanned <= lastId)
                    {
                        break;
                    }

                    lastId = scanned;
                    if (page.Count > 0)
                    {
                        await pages.Writer.WriteAsync(page, stop.Token).ConfigureAwait(false);
                    }
                }

                pages.Writer.TryComplete();
            }
            catch (Exception e)
            {
                pages.Writer.TryComplete(e);
            }
        }, CancellationToken.None);

        long count = 0;
        try
        {
            await foreach (var page in pages.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                count += page.Count;
                add(page);
            }
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        await reader.ConfigureAwait(false);
        return (count, lastId);
    }
}
