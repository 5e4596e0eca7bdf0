using System.Collections.Concurrent;

namespace Edge.Appliance.Results;

/// <summary>
/// Replays a log in pages: a reader thread (at <see cref="BackgroundWork"/>'s lower priority) reads the next page
/// while the caller takes the last one in. A failure on either side ends both; neither is left waiting on the other
/// (a reader blocked on a full hand-over is cancelled).
/// </summary>
public static class ReplayPump
{
    /// <summary>
    /// Reads pages after <paramref name="afterId"/> with <paramref name="read"/> (which returns the page and the last
    /// id it looked at; a page may be empty when every row it looked at was skipped) until nothing is left, handing
    /// each non-empty page to <paramref name="add"/> in order, on the calling thread. Returns the items added and the
    /// last id looked at.
    /// </summary>
    public static (long Count, long LastId) Run<T>(
        Func<long, CancellationToken, (List<T> Page, long ScannedTo)> read,
        long afterId,
        Action<List<T>> add,
        CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var pages = new BlockingCollection<List<T>>(boundedCapacity: 2);
        var lastId = afterId;
        var reader = BackgroundWork.Run("results replay reader", () =>
        {
            try
            {
                while (true)
                {
                    var (page, scanned) = read(lastId, stop.Token);
                    if (scanned <= lastId)
                    {
                        return lastId;
                    }

                    lastId = scanned;
                    if (page.Count > 0)
                    {
                        pages.Add(page, stop.Token);
                    }
                }
            }
            finally
            {
                pages.CompleteAdding();
            }
        });

        long count = 0;
        try
        {
            foreach (var page in pages.GetConsumingEnumerable(cancellationToken))
            {
                count += page.Count;
                add(page);
            }
        }
        catch
        {
            stop.Cancel();
            ((IAsyncResult)reader).AsyncWaitHandle.WaitOne();
            throw;
        }

        // The reader's own failure (the log could not be read) reaches the caller as it was thrown.
        return (count, reader.GetAwaiter().GetResult());
    }
}
