namespace Edge.Appliance.Meet;

/// <summary>
/// The meet the box is running. Loaded from <c>Edge:MeetDir</c> at start (a bad folder there stops the box with
/// the loader's message); afterwards the folder is watched and reloaded when a file changes. A bad edit keeps
/// the last good meet running and is reported in the log and on <c>/api/status</c> until it is fixed.
/// </summary>
public sealed partial class MeetHost : BackgroundService
{
    private readonly string? _dir;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;
    private readonly ILogger<MeetHost> _logger;
    private Meet _current;
    private string? _error;
    private (DateTime, long)[] _stamp = [];

    public MeetHost(IConfiguration configuration, TimeProvider time, ILogger<MeetHost> logger)
    {
        _time = time;
        _logger = logger;
        _dir = configuration["Edge:MeetDir"] is { Length: > 0 } dir ? Path.GetFullPath(dir) : null;
        _pollInterval = configuration.GetValue("Edge:MeetPollInterval", TimeSpan.FromSeconds(1));
        if (_dir is null)
        {
            _current = Meet.Empty;
            return;
        }

        _stamp = Stamp();
        _current = MeetLoader.Load(_dir);
        LogLoaded(_dir, _current.Races.Count, _current.Participants.Count);
    }

    public Meet Current => Volatile.Read(ref _current);

    /// <summary>Why the folder's latest edit was not taken, or null when the running meet is the folder's.</summary>
    public string? Error => Volatile.Read(ref _error);

    public string? Directory => _dir;

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

        try
        {
            var meet = MeetLoader.Load(_dir);
            Volatile.Write(ref _current, meet);
            Volatile.Write(ref _error, null);
            LogLoaded(_dir, meet.Races.Count, meet.Participants.Count);
            Changed?.Invoke(meet);
            return null;
        }
        catch (MeetException e)
        {
            Volatile.Write(ref _error, e.Message);
            LogRejected(e.Message);
            return e.Message;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Meet folder {Dir} loaded: {Races} races, {Participants} participants")]
    private partial void LogLoaded(string dir, int races, int participants);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meet folder edit not taken; still running the last good meet. {Problem}")]
    private partial void LogRejected(string problem);
}
