using System.Globalization;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Online.Http;
using Edge.Online.RunSignUp;
using OnlineRow = Edge.Online.Results.ResultRow;
using OnlineStatus = Edge.Online.Results.ResultStatus;

namespace Edge.Appliance.Online;

/// <summary>Where posting results to RunSignUp stands, for <c>/api/status</c> (<c>runsignup</c>).</summary>
public sealed record RunSignUpPostingStatus(
    string State,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastPostedAt,
    long RowsPosted,
    int RowsPending,
    string? LastError)
{
    public static RunSignUpPostingStatus Off { get; } = new("off", null, null, 0, 0, null);
}

/// <summary>
/// Posts the box's results to RunSignUp (meet.json <c>runsignup</c>) when it has an uplink and no cloud does it: a
/// <see cref="RunSignUpPoster"/> turned every <c>Online:Tick</c> with the latest results snapshot. Never touches
/// ingest: it reads the snapshot, as a phone does.
/// </summary>
public sealed class ResultsPosting(ResultsService results, TimeProvider time, IConfiguration configuration, ILogger<ResultsPosting> log) : BackgroundService
{
    /// <summary>How often the box looks whether a post is due (<c>Online:Tick</c>, default 5 s).</summary>
    private readonly TimeSpan _tick = configuration.GetValue("Online:Tick", TimeSpan.FromSeconds(5)) is var tick && tick > TimeSpan.Zero ? tick : TimeSpan.FromSeconds(5);

    private readonly RunSignUpPoster _poster = new(time, log, leaveToCloud: true);

    public RunSignUpPostingStatus Status => _poster.Status;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_tick, time);
        do
        {
            await _poster.TurnAsync(results.Current, stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override void Dispose()
    {
        _poster.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// Posts one meet's results to RunSignUp as its <c>runsignup</c> section says: every <see cref="RunSignUpPosting.Every"/>,
/// the rows that changed since the last successful post (finishers, DNF and DQ; runners still out are not posted), so a
/// 5,000-runner race costs RunSignUp's budget once and then only what moves. A post that fails (no uplink, a refused
/// key) is tried again at the next turn with everything not yet posted; RunSignUp matches rows by bib, so a repeat is
/// harmless. The box leaves it to the cloud when the meet syncs there (<paramref name="leaveToCloud"/>); the cloud
/// posts a merged event's results with one of these per event.
/// </summary>
public sealed class RunSignUpPoster(TimeProvider time, ILogger log, bool leaveToCloud) : IDisposable
{
    // What RunSignUp holds, as far as this poster knows: per race, per bib, the row's signature at its last successful post.
    private readonly Dictionary<string, Dictionary<string, string>> _posted = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
    private string? _meetKey;
    private long _rowsPosted;
    private DateTimeOffset? _lastAttempt;
    private DateTimeOffset? _lastPosted;
    private long _lastAttemptTicks;
    private long _countedVersion = -1;
    private string? _lastProblem;
    private volatile RunSignUpPostingStatus _status = RunSignUpPostingStatus.Off;

    public RunSignUpPostingStatus Status => _status;

    /// <summary>One turn: posts the changed rows when a post is due.</summary>
    public async Task TurnAsync(ResultsSnapshot snapshot, CancellationToken cancel)
    {
        var meet = snapshot.Meet;
        if (meet.RunSignUp is not { } settings)
        {
            _status = RunSignUpPostingStatus.Off;
            return;
        }

        if (leaveToCloud && meet.SyncsToCloud)
        {
            _status = RunSignUpPostingStatus.Off with { State = "cloud" };
            return;
        }

        if (_meetKey != meet.Key)
        {
            _meetKey = meet.Key;
            _posted.Clear();
            _lastAttemptTicks = 0;
            _countedVersion = -1;
        }

        if (_lastAttemptTicks != 0 && time.GetElapsedTime(_lastAttemptTicks) < settings.Every)
        {
            // Not due: the waiting count is brought up to date only when the results changed (a 10,000-runner race
            // is not compared every few seconds for nothing).
            if (snapshot.Version != _countedVersion)
            {
                _countedVersion = snapshot.Version;
                _status = _status with { RowsPending = Changed(snapshot, settings).Sum(c => c.Rows.Count) };
            }

            return;
        }

        var changed = Changed(snapshot, settings);
        var pending = changed.Sum(c => c.Rows.Count);
        _countedVersion = snapshot.Version;

        if (pending == 0)
        {
            _status = new RunSignUpPostingStatus(_lastPosted is null ? "waiting" : "posted", _lastAttempt, _lastPosted, _rowsPosted, 0, null);
            return;
        }

        _lastAttemptTicks = time.GetTimestamp();
        _lastAttempt = time.GetUtcNow();
        try
        {
            var client = new RunSignUpClient(_http, new RunSignUpCredentials(SecretFile.Read(settings.KeyFile), SecretFile.Read(settings.SecretFile)),
                new RunSignUpOptions { BaseUrl = settings.BaseUrl }, time);
            foreach (var (race, rows, signatures) in changed)
            {
                if (rows.Count == 0)
                {
                    continue;
                }

                await client.PostResultsAsync(new ResultSetTarget(settings.RaceId, race.EventId, ResultSetName: race.ResultSet), rows, cancel)
                    .ConfigureAwait(false);
                var posted = PostedFor(race.RaceId);
                foreach (var (bib, signature) in signatures)
                {
                    posted[bib] = signature;
                }

                _rowsPosted += rows.Count;
                pending -= rows.Count;
            }

            _lastPosted = time.GetUtcNow();
            _status = new RunSignUpPostingStatus("posted", _lastAttempt, _lastPosted, _rowsPosted, 0, null);
            if (_lastProblem is not null)
            {
                log.LogInformation("Results reach RunSignUp again (race {RaceId})", settings.RaceId);
                _lastProblem = null;
            }
        }
        catch (Exception e) when (e is OnlineException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // The next turn tries again with everything not yet posted. Logged once per kind of problem, not per turn.
            _status = new RunSignUpPostingStatus("failed", _lastAttempt, _lastPosted, _rowsPosted, pending, e.Message);
            if (_lastProblem != e.Message)
            {
                _lastProblem = e.Message;
                log.LogWarning("Results not posted to RunSignUp, will try again in {Every}: {Problem}", settings.Every, e.Message);
            }
        }
    }

    /// <summary>Per race posted, the rows whose result differs from what was last posted, with their new signatures.</summary>
    private List<(RunSignUpRace Race, List<OnlineRow> Rows, List<(string Bib, string Signature)> Signatures)> Changed(
        ResultsSnapshot snapshot, RunSignUpPosting settings)
    {
        var changed = new List<(RunSignUpRace, List<OnlineRow>, List<(string, string)>)>();
        foreach (var race in settings.Races.Values)
        {
            if (snapshot.Race(race.RaceId) is not { } results)
            {
                continue;
            }

            var posted = PostedFor(race.RaceId);
            var rows = new List<OnlineRow>();
            var signatures = new List<(string, string)>();
            foreach (var row in results.All)
            {
                if (ToRunSignUp(row, race) is not { } online)
                {
                    continue;
                }

                var signature = Signature(online);
                if (!posted.TryGetValue(row.Bib, out var before) || before != signature)
                {
                    rows.Add(online);
                    signatures.Add((row.Bib, signature));
                }
            }

            changed.Add((race, rows, signatures));
        }

        return changed;
    }

    private Dictionary<string, string> PostedFor(string raceId)
    {
        if (!_posted.TryGetValue(raceId, out var posted))
        {
            _posted[raceId] = posted = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return posted;
    }

    /// <summary>A row as RunSignUp takes it; null for runners with no result yet (registered, started, on course).</summary>
    public static OnlineRow? ToRunSignUp(ResultRow row, RunSignUpRace race)
    {
        var status = row.Status switch
        {
            ParticipantStatus.Finished => OnlineStatus.Finished,
            ParticipantStatus.Dnf => OnlineStatus.Dnf,
            ParticipantStatus.Dq => OnlineStatus.Dq,
            _ => (OnlineStatus?)null,
        };
        if (status is null)
        {
            return null;
        }

        // Only the splits the runner has: one left out stays as RunSignUp has it (another box may have sent it).
        var splits = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal);
        foreach (var split in row.Splits)
        {
            if (race.Splits.TryGetValue(split.Location, out var id))
            {
                splits[id] = split.Elapsed;
            }
        }

        return new OnlineRow(row.Bib, row.GunTime, row.ChipTime, status.Value, splits, status == OnlineStatus.Finished ? row.Place : null);
    }

    private static string Signature(OnlineRow row) => string.Join('|',
        row.Status, row.ClockTime?.Ticks.ToString(CultureInfo.InvariantCulture), row.ChipTime?.Ticks.ToString(CultureInfo.InvariantCulture),
        row.Place?.ToString(CultureInfo.InvariantCulture),
        string.Join(',', (row.Splits ?? new Dictionary<string, TimeSpan?>()).OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => $"{s.Key}={s.Value?.Ticks}")));

    public void Dispose() => _http.Dispose();
}

public static class OnlineExtensions
{
    /// <summary>The box's own posting of results to RunSignUp, and the timer's roster pull.</summary>
    public static IHostApplicationBuilder AddOnline(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ResultsPosting>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ResultsPosting>());
        builder.Services.AddSingleton<RosterPull>();
        return builder;
    }
}
