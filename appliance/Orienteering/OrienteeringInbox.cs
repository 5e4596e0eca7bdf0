using System.Globalization;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Orienteering;

/// <summary>
/// Watches <c>Edge:InboxDir</c> for <c>*.xml</c> exports by polling (a <see cref="PeriodicTimer"/> on the box's
/// <see cref="TimeProvider"/>). A file is read once its size and modification time have not changed for
/// <c>Edge:InboxSettle</c>, and again whenever they change (OE rewrites one file name in place). Files that settle
/// in the same poll are imported oldest first by <c>createTime</c>, then file time, so the newest wins. A file that is
/// not a result list is moved into <c>rejected/</c> beside a <c>.reason.txt</c>, and the results shown stay as they
/// were. Good files stay where the exporter put them.
/// </summary>
public sealed partial class OrienteeringInbox(
    OrienteeringImport import, IOptions<OrienteeringOptions> options, TimeProvider time, ILogger<OrienteeringInbox> logger) : BackgroundService
{
    public const string RejectedFolder = "rejected";

    private static readonly EnumerationOptions XmlFiles = new() { MatchCasing = MatchCasing.CaseInsensitive, RecurseSubdirectories = false };

    private readonly OrienteeringOptions _options = options.Value;
    private readonly Dictionary<string, Watch> _watching = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Stamp> _handled = new(StringComparer.Ordinal);
    private bool _failing;

    /// <summary>The folder watched, or null when none is set.</summary>
    public string? Directory { get; } = options.Value.InboxDir is { Length: > 0 } dir ? Path.GetFullPath(dir) : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Directory is null)
        {
            return;
        }

        LogWatching(Directory, _options.InboxSettle.TotalMilliseconds);
        using var timer = new PeriodicTimer(_options.InboxPollInterval, time);
        do
        {
            try
            {
                await PollAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The inbox is one way in among others; the box goes on, and the next poll tries again.
                LogPollFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Looks at the inbox once: notes new and changed files, imports the ones that have settled.</summary>
    internal async Task PollAsync(CancellationToken ct)
    {
        List<(string Path, Stamp Stamp)> ready;
        try
        {
            System.IO.Directory.CreateDirectory(Directory!);
            ready = Settled();
            if (_failing)
            {
                _failing = false;
                LogReadable(Directory!);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A share gone away, a card unplugged: try again next poll, saying so once.
            if (!_failing)
            {
                _failing = true;
                LogUnreadable(Directory!, e.Message);
            }

            return;
        }

        var prepared = new List<(string Path, Stamp Stamp, PreparedList List)>();
        foreach (var (path, stamp) in ready)
        {
            byte[] bytes;
            try
            {
                if (stamp.Length > import.MaxBytes)
                {
                    Reject(path, $"the file is {stamp.Length:N0} bytes, more than the {import.MaxBytes:N0} a result list may have (Edge:MaxResultListBytes)");
                    continue;
                }

                bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
                if (Stamp.Of(new FileInfo(path)) != stamp)
                {
                    // Written to while it was read: wait for it to settle again.
                    _watching[path] = new Watch(Stamp.Of(new FileInfo(path)), time.GetTimestamp());
                    continue;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogReadFailed(path, e.Message);
                _watching.Remove(path);
                continue;
            }

            try
            {
                prepared.Add((path, stamp, import.Prepare(bytes)));
            }
            catch (IofParseException e)
            {
                Reject(path, e.Message);
            }
        }

        // The newest list wins: store the older ones first (createTime, then file time).
        foreach (var (path, stamp, list) in prepared.OrderBy(p => p.List.List.CreateTime?.UtcTicks ?? long.MinValue).ThenBy(p => p.Stamp.WrittenUtc))
        {
            try
            {
                await import.StoreAsync(list, "inbox/" + Path.GetFileName(path), ct).ConfigureAwait(false);
                _handled[path] = stamp;
                _watching.Remove(path);
            }
            catch (InvalidOperationException e)
            {
                // The store takes nothing now: the file stays and is tried again.
                LogStoreRefused(path, e.Message);
            }
        }
    }

    private List<(string Path, Stamp Stamp)> Settled()
    {
        var now = time.GetTimestamp();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ready = new List<(string, Stamp)>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory!, "*.xml", XmlFiles))
        {
            seen.Add(path);
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                continue;
            }

            var stamp = Stamp.Of(info);
            if (_handled.TryGetValue(path, out var done) && done == stamp)
            {
                continue;
            }

            if (!_watching.TryGetValue(path, out var watch) || watch.Stamp != stamp)
            {
                _watching[path] = new Watch(stamp, now);
                continue;
            }

            // An empty file is an export just created: its content comes next.
            if (stamp.Length > 0 && time.GetElapsedTime(watch.Since, now) >= _options.InboxSettle)
            {
                ready.Add((path, stamp));
            }
        }

        foreach (var gone in _watching.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _watching.Remove(gone);
        }

        foreach (var gone in _handled.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _handled.Remove(gone);
        }

        return ready;
    }

    /// <summary>Moves a refused file into <c>rejected/</c> (a time-stamped name when one is there already) with its reason beside it.</summary>
    private void Reject(string path, string reason)
    {
        _watching.Remove(path);
        try
        {
            var folder = Path.Combine(Directory!, RejectedFolder);
            System.IO.Directory.CreateDirectory(folder);
            var target = Path.Combine(folder, Path.GetFileName(path));
            if (File.Exists(target))
            {
                var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
                target = Path.Combine(folder, $"{stamp}-{Path.GetFileName(path)}");
            }

            File.Move(path, target);
            File.WriteAllText(target + ".reason.txt", $"{Path.GetFileName(path)} was not imported: {reason}\n");
            LogRejected(Path.GetFileName(path), target, reason);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cannot move it (a read-only share): remember it as handled so it is not read again until it changes.
            _handled[path] = Stamp.Of(new FileInfo(path));
            LogRejected(Path.GetFileName(path), "(left in place: " + e.Message + ")", reason);
        }
    }

    private readonly record struct Stamp(long Length, DateTime WrittenUtc)
    {
        public static Stamp Of(FileInfo info)
        {
            info.Refresh();
            return info.Exists ? new Stamp(info.Length, info.LastWriteTimeUtc) : default;
        }
    }

    private readonly record struct Watch(Stamp Stamp, long Since);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching {Folder} for IOF XML result lists (settle {SettleMs} ms)")]
    private partial void LogWatching(string folder, double settleMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Result list {File} refused and moved to {Target}: {Reason}")]
    private partial void LogRejected(string file, string target, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The inbox {Folder} cannot be read ({Problem}); trying again")]
    private partial void LogUnreadable(string folder, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "The inbox {Folder} can be read again")]
    private partial void LogReadable(string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} could not be read ({Problem}); trying again")]
    private partial void LogReadFailed(string file, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking at the inbox failed; trying again at the next poll")]
    private partial void LogPollFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} was not stored ({Problem}); trying again")]
    private partial void LogStoreRefused(string file, string problem);
}
