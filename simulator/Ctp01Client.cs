using System.Globalization;
using System.Net.Sockets;

namespace Edge.Simulator;

/// <summary>
/// A simulated ChronoTrack middleware (SimpleClient): the CTP01 TCP client that feeds a generated race to the box.
/// </summary>
public sealed class Ctp01Client : IAsyncDisposable
{
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestReconnectDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _serverLinesLock = new();
    private readonly List<string> _serverLines = [];
    private readonly List<LineWaiter> _waiters = [];
    private readonly CancellationTokenSource _disposing = new();
    private long _linesSent;
    private int _connections;
    private int _running;
    private volatile bool _connected;
    private volatile bool _lateLocationAnnounced;
    private volatile bool _disposed;
    private Task? _run;
    private volatile TcpClient? _current;

    public Ctp01Client(GeneratedRace race, ClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(race);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        Race = race;
        Options = options;
        Feed = new RaceFeed(race);
        Clock = new ReleaseClock(race.TotalReads, options.ReadsPerSecond);
    }

    public GeneratedRace Race { get; }
    public ClientOptions Options { get; }

    /// <summary>Read lines (gun included, newlocation lines not) written to the socket, all connections together.</summary>
    public long LinesSent => Interlocked.Read(ref _linesSent);

    /// <summary>
    /// Cuts the current connection abruptly (RST, no goodbye), as a cable pull or a Wi-Fi blip would; the client
    /// then reconnects by itself when <see cref="ClientOptions.Reconnect"/> is on. False when not connected.
    /// </summary>
    public bool DropConnection()
    {
        var tcp = _current;
        if (tcp is null)
        {
            return false;
        }

        tcp.Client.LingerState = new LingerOption(true, 0);
        tcp.Client.Close();
        return true;
    }

    /// <summary>Successful TCP connections so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public bool Connected => _connected;

    /// <summary>How much of the timeline the race clock has released (it starts with the first connection).</summary>
    public int ReleasedReads => Clock.Released;

    /// <summary>True once the late location's newlocation line went out; from then on it is listed by getlocations.</summary>
    public bool LateLocationAnnounced
    {
        get => _lateLocationAnnounced;
        internal set => _lateLocationAnnounced = value;
    }

    /// <summary>Every line received from the server, in order (a snapshot).</summary>
    public IReadOnlyList<string> ServerLines
    {
        get
        {
            lock (_serverLinesLock)
            {
                return [.. _serverLines];
            }
        }
    }

    public int ServerLineCount
    {
        get
        {
            lock (_serverLinesLock)
            {
                return _serverLines.Count;
            }
        }
    }

    /// <summary>Raised on the socket's reading thread for every line from the server; keep handlers short.</summary>
    public event Action<string>? ServerLineReceived;

    internal RaceFeed Feed { get; }
    internal ReleaseClock Clock { get; }

    /// <summary>
    /// Connects, greets, honours the server's requests and streams; after a drop reconnects (when Reconnect) and
    /// continues wherever the server's start commands say. Completes when cancelled, or after a drop without Reconnect.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("RunAsync is already running.");
        }

        _run = RunCoreAsync(cancellationToken);
        return _run;
    }

    /// <summary>Waits for a matching server line; lines that already arrived count. Throws TimeoutException.</summary>
    public Task WaitForServerLineAsync(Func<string, bool> match, TimeSpan timeout) => WaitForServerLineAsync(match, 0, timeout);

    /// <summary>
    /// Waits for a matching server line at position <paramref name="startIndex"/> or later (pass
    /// <see cref="ServerLineCount"/> to ignore what already arrived) and returns it. Throws TimeoutException.
    /// </summary>
    public async Task<string> WaitForServerLineAsync(Func<string, bool> match, int startIndex, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        LineWaiter waiter;
        lock (_serverLinesLock)
        {
            for (var i = Math.Max(0, startIndex); i < _serverLines.Count; i++)
            {
                if (match(_serverLines[i]))
                {
                    return _serverLines[i];
                }
            }

            waiter = new LineWaiter(match, startIndex);
            _waiters.Add(waiter);
        }

        try
        {
            return await waiter.Completion.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_serverLinesLock)
            {
                _waiters.Remove(waiter);
            }

            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"No line from the server matched within {timeout.TotalSeconds:0.###} s."));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_run is { } run)
        {
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _disposing.Dispose();
    }

    internal void AddLinesSent(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _linesSent, count);
        }
    }

    internal void OnServerLine(string line)
    {
        lock (_serverLinesLock)
        {
            _serverLines.Add(line);
            var index = _serverLines.Count - 1;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                if (index >= waiter.StartIndex && waiter.TryComplete(line))
                {
                    _waiters.RemoveAt(i);
                }
            }
        }

        ServerLineReceived?.Invoke(line);
    }

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        var token = stopping.Token;
        var delay = FirstReconnectDelay;
        try
        {
            while (!token.IsCancellationRequested)
            {
                TcpClient tcp;
                try
                {
                    tcp = await ConnectAsync(token).ConfigureAwait(false);
                }
                catch (SocketException e) when (Options.Reconnect)
                {
                    Log($"connect to {Options.Host}:{Options.Port} failed ({e.SocketErrorCode}), retrying in {delay.TotalMilliseconds:0} ms");
                    await Task.Delay(delay, token).ConfigureAwait(false);
                    delay = Longer(delay);
                    continue;
                }

                Interlocked.Increment(ref _connections);
                _current = tcp;
                _connected = true;
                Clock.StartOnce();
                Log($"connected to {Options.Host}:{Options.Port}");
                try
                {
                    var connection = new Ctp01Connection(this, tcp.GetStream());
                    // Backoff restarts only after a full greeting, so a server that refuses us is not hammered.
                    await connection.RunAsync(() => delay = FirstReconnectDelay, token).ConfigureAwait(false);
                }
                catch (Exception e) when (IsDrop(e) && !token.IsCancellationRequested)
                {
                    Log($"connection dropped: {e.Message} {e.InnerException?.GetType().Name}: {e.InnerException?.Message}");
                }
                finally
                {
                    _connected = false;
                    _current = null;
                    tcp.Dispose();
                }

                if (!Options.Reconnect)
                {
                    return;
                }

                await Task.Delay(delay, token).ConfigureAwait(false);
                delay = Longer(delay);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Log("stopped");
        }
        finally
        {
            _connected = false;
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task<TcpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var tcp = new TcpClient();
        // Without a limit, a connect to a box that is powered off waits for the OS's SYN retries (about 2 minutes).
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(ConnectTimeout);
        try
        {
            await tcp.ConnectAsync(Options.Host, Options.Port, attempt.Token).ConfigureAwait(false);
            // Lines are batched by hand; Nagle would only delay answers such as ack~ping.
            tcp.NoDelay = true;
            return tcp;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            tcp.Dispose();
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    private static bool IsDrop(Exception e) => e is IOException or SocketException or ObjectDisposedException;

    private static TimeSpan Longer(TimeSpan delay) => delay * 2 < LongestReconnectDelay ? delay * 2 : LongestReconnectDelay;

    private void Log(string message) => Options.Log?.Invoke(message);

    private static void Validate(ClientOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            throw new ArgumentException("Host is required.", nameof(options));
        }

        if (options.Port is < 1 or > 65535)
        {
            throw new ArgumentException("Port must be 1..65535.", nameof(options));
        }

        if (!double.IsFinite(options.ReadsPerSecond) || options.ReadsPerSecond < 0)
        {
            throw new ArgumentException("ReadsPerSecond must be 0 (unpaced) or positive.", nameof(options));
        }

        if (options.GreetingTimeout <= TimeSpan.Zero && options.GreetingTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("GreetingTimeout must be positive or infinite.", nameof(options));
        }

        LineWriter.FormatCodeFor(options.Separator);
    }

    private sealed class LineWaiter(Func<string, bool> match, int startIndex)
    {
        public int StartIndex { get; } = startIndex;

        public TaskCompletionSource<string> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryComplete(string line)
        {
            try
            {
                if (!match(line))
                {
                    return false;
                }

                Completion.TrySetResult(line);
            }
            catch (Exception e)
            {
                // A faulty predicate fails its own wait, not the connection that delivered the line.
                Completion.TrySetException(e);
            }

            return true;
        }
    }
}
