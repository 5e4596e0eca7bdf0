using Edge.Appliance.Online;
using Npgsql;

namespace Edge.Cloud.Events;

/// <summary>
/// Posts one cloud event's merged results to RunSignUp when its meet.json has a <c>runsignup</c> section: the box's
/// own <see cref="RunSignUpPoster"/>, turned every <paramref name="tick"/>. Every instance runs every event, but only
/// one posts for an event at a time: the one holding a PostgreSQL advisory lock named after the event, on a connection
/// of its own. When that instance dies its connection goes, the lock with it, and another instance takes over (and
/// posts its whole result set once: RunSignUp matches rows by bib, so that is a repeat, not a duplicate).
/// </summary>
public sealed class EventPosting(EventResults results, NpgsqlDataSource database, TimeSpan tick, TimeProvider time, ILogger log) : IAsyncDisposable
{
    private readonly RunSignUpPoster _poster = new(time, log, leaveToCloud: false);
    private readonly CancellationTokenSource _stop = new();
    private NpgsqlConnection? _leader;
    private Task _running = Task.CompletedTask;
    private int _disposed;

    /// <summary>Where posting stands; <c>standby</c> while another instance posts for the event.</summary>
    public RunSignUpPostingStatus Status { get; private set; } = RunSignUpPostingStatus.Off;

    public void Start() => _running = RunAsync(_stop.Token);

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            await results.Ready.WaitAsync(stop).ConfigureAwait(false);
            using var timer = new PeriodicTimer(tick, time);
            do
            {
                if (results.Current.Meet.RunSignUp is null)
                {
                    Status = RunSignUpPostingStatus.Off;
                }
                else if (await LeadAsync(stop).ConfigureAwait(false))
                {
                    await _poster.TurnAsync(results.Current, stop).ConfigureAwait(false);
                    Status = _poster.Status;
                }
                else
                {
                    Status = RunSignUpPostingStatus.Off with { State = "standby" };
                }
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the lock goes with the connection.
        }
    }

    /// <summary>True while this instance holds the event's posting lock (taken when free).</summary>
    private async Task<bool> LeadAsync(CancellationToken stop)
    {
        try
        {
            if (_leader is { State: System.Data.ConnectionState.Open })
            {
                await using var alive = new NpgsqlCommand("SELECT 1", _leader);
                await alive.ExecuteScalarAsync(stop).ConfigureAwait(false);
                return true;
            }

            await DropLeaderAsync().ConfigureAwait(false);
            var connection = await database.OpenConnectionAsync(stop).ConfigureAwait(false);
            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('edge-event-posting:' || $1, 0))", connection);
            take.Parameters.Add(new NpgsqlParameter<string> { TypedValue = results.Definition.Id });
            if ((bool)(await take.ExecuteScalarAsync(stop).ConfigureAwait(false))!)
            {
                _leader = connection;
                return true;
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            return false;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or IOException)
        {
            await DropLeaderAsync().ConfigureAwait(false);
            return false;
        }
    }

    private async Task DropLeaderAsync()
    {
        if (_leader is { } leader)
        {
            _leader = null;
            await leader.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await DropLeaderAsync().ConfigureAwait(false);
        _poster.Dispose();
        _stop.Dispose();
    }
}
