namespace Edge.Appliance.Meet;

/// <summary>
/// The meet the box is running. Loaded from <c>Edge:MeetDir</c> at start and watched afterwards; reloaded when a
/// file changes. Whatever the folder holds, the box runs: a folder that cannot be read at start leaves no roster
/// and no races (results wait for a good meet) while the store keeps every read under the meet the box ran last,
/// with that meet's date and zone; a bad edit later keeps the last good meet running. Either way the problem is
/// reported in the log and on <c>/api/status</c> until it is fixed.
/// </summary>
public sealed partial class MeetHost : BackgroundService
{
    private readonly string? _dir;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;
    private readonly ILogger<MeetHost> _logger;
    private Meet _current;
    private string? _error;
    private bool _loaded;
    private (DateTime, long)[] _stamp = [];

    public MeetHost(Microsoft.Extensions.Options.IOptions<MeetOptions> options, TimeProvider time, ILogger<MeetHost> logger)
    {
        _time = time;
        _logger = logger;
        _dir = options.Value.MeetDir is { Length: > 0 } dir ? FullPath(dir) : null;
        _pollInterval = options.Value.MeetPollInterval;
        if (_dir is null)
        {
            _current = Meet.Empty;
            return;
        }

        _stamp = Stamp();
        _current = Meet.Empty;
        if (Reload() is not null)
        {
            LogStartedWithout(_dir);
        }
    }

    public Meet Current => Volatile.Read(ref _current);

    /// <summary>Why the folder's latest edit was not taken, or null when the running meet is the folder's.</summary>
    public string? Error => Volatile.Read(ref _error);

    public string? Directory => _dir;

    /// <summary>True once a meet (the folder's, or the embedded default when no folder is set) is running.</summary>
    public bool Loaded => _dir is null || Volatile.Read(ref _loaded);

    /// <summary>
    /// While the folder cannot be read: place times as the stored meet the box carries on with did (its date and
    /// zone), so reads that arrive meanwhile land where they belong once the folder is fixed.
    /// </summary>
    public void UseStoredEvent(string key, string name, string? date, string timeZone)
    {
        if (Loaded)
        {
            return;
        }

        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var z) ? z : TimeZoneInfo.Utc;
        DateOnly? day = DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var d) ? d : null;
        // Only over the empty meet of a failed start: a good load that got in first wins.
        Interlocked.CompareExchange(ref _current, Meet.Empty with { Event = new MeetEvent(name, day, zone) { Id = key } }, Meet.Empty);
    }

    /// <summary>Raised after a good reload, with the new meet.</summary>
    public event Action<Meet>? Changed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_dir is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_pollInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var stamp = Stamp();
            if (stamp.SequenceEqual(_stamp))
            {
                continue;
            }

            // Editors write in steps: wait for one quiet interval before loading.
            await Task.Delay(_pollInterval / 2, _time, stoppingToken).ConfigureAwait(false);
            if (!Stamp().SequenceEqual(stamp))
            {
                continue;
            }

            _stamp = stamp;
            Reload();
        }
    }

    /// <summary>Loads the folder now; returns the problem, or null when the new meet is running.</summary>
    public string? Reload()
    {
        if (_dir is null)
        {
            return null;
        }

        Meet meet;
        var started = _time.GetTimestamp();
        try
        {
            meet = MeetLoader.Load(_dir);
        }
        catch (MeetException e)
        {
            return Refuse(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The loader turns every problem it knows into a MeetException; anything else is still the folder's
            // problem, never a reason to stop the box mid-race.
            return Refuse($"{_dir}: {e.Message}");
        }

        Volatile.Write(ref _current, meet);
        Volatile.Write(ref _error, null);
        Volatile.Write(ref _loaded, true);
        LogLoaded(_dir, meet.Races.Count, meet.Participants.Count, (long)_time.GetElapsedTime(started).TotalMilliseconds);
        Changed?.Invoke(meet);
        return null;
    }

    private string Refuse(string problem)
    {
        Volatile.Write(ref _error, problem);
        LogRejected(problem);
        return problem;
    }

    /// <summary>The folder as an absolute path; a path the system cannot take is kept as given, and the first load says what is wrong.</summary>
    private static string FullPath(string dir)
    {
        try
        {
            return Path.GetFullPath(dir);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return dir;
        }
    }

    private (DateTime, long)[] Stamp()
    {
        try
        {
            var files = new System.IO.DirectoryInfo(_dir!);
            return files.Exists
                ? [.. files.EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => (f.LastWriteTimeUtc, f.Length))]
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A card pulled or a folder renamed mid-look: seen as a change, and the reload says what is wrong.
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Meet folder {Dir} loaded: {Races} races, {Participants} participants ({Ms} ms)")]
    private partial void LogLoaded(string dir, int races, int participants, long ms);

    [LoggerMessage(Level = LogLevel.Error, Message = "Meet folder {Dir} could not be loaded at start: the box listens and stores every read, and shows results once the folder is fixed")]
    private partial void LogStartedWithout(string dir);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meet folder not taken: {Problem}")]
    private partial void LogRejected(string problem);
}
