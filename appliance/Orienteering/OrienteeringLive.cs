using System.Globalization;
using Edge.Appliance.Web;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Orienteering;

/// <summary>
/// <c>GET /o/events?v=VERSION</c>: the orienteering pages' event stream. A <c>change</c> event (id and data: the
/// results' version) goes out when a new export changed what is shown, at most once per <c>Web:LiveInterval</c>;
/// the pages' own script (<see cref="Layout.LiveScript"/>) then fetches its fragment. A page rendered at another
/// version is told at once. Every phone waits on the same change signal, so a slow phone holds up nothing.
/// </summary>
public sealed class OrienteeringLive(OrienteeringResults results, IOptions<WebOptions> options, TimeProvider time, IHostApplicationLifetime lifetime)
{
    private readonly WebOptions _options = options.Value;
    private int _clients;

    public int Count => Volatile.Read(ref _clients);

    public async Task StreamAsync(HttpContext context)
    {
        var seen = WebInput.Long(context.Request, "v");
        if (context.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastId && long.TryParse(lastId, NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            seen = last;
        }

        if (Interlocked.Increment(ref _clients) > _options.MaxLiveClients)
        {
            Interlocked.Decrement(ref _clients);
            await EventStream.RefuseAsync(context).ConfigureAwait(false);
            return;
        }

        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var aborted = ending.Token;
        try
        {
            var response = context.Response;
            EventStream.Begin(context);
            var next = results.NextChange;
            var version = results.Current.Version;
            await response.WriteAsync("retry: 2000\n\n" + (seen is { } s && s != version ? Event(version) : ""), aborted).ConfigureAwait(false);
            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
            var sent = version;
            long? lastSent = null;
            while (!aborted.IsCancellationRequested)
            {
                var changed = await Task.WhenAny(next, Task.Delay(_options.LiveHeartbeat, time, aborted)).ConfigureAwait(false) == next;
                if (!changed)
                {
                    await response.WriteAsync(": heartbeat\n\n", aborted).ConfigureAwait(false);
                    await response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    continue;
                }

                // The first change after a quiet spell goes out at once; several imports in a burst make one refresh per interval.
                var wait = lastSent is { } at ? _options.LiveInterval - time.GetElapsedTime(at) : TimeSpan.Zero;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, aborted).ConfigureAwait(false);
                }

                next = results.NextChange;
                version = results.Current.Version;
                if (version != sent)
                {
                    await response.WriteAsync(Event(version), aborted).ConfigureAwait(false);
                    await response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    (sent, lastSent) = (version, time.GetTimestamp());
                }
            }
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
            Interlocked.Decrement(ref _clients);
        }
    }

    private static string Event(long version)
    {
        var v = version.ToString(CultureInfo.InvariantCulture);
        return $"id: {v}\nevent: change\ndata: {{\"v\":{v}}}\n\n";
    }
}
