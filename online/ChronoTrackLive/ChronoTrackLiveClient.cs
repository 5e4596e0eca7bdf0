using System.Globalization;
using Edge.Online.Http;
using Edge.Online.Roster;

namespace Edge.Online.ChronoTrackLive;

/// <summary>
/// ChronoTrack Live's API (PROTOCOLS.md §4): an event's entries, page by page. Paging follows the response headers:
/// <c>X-Ctlive-Page-Count</c> says how many pages there are, <c>X-Ctlive-Current-Page</c> which one came and
/// <c>X-Ctlive-Row-Count</c> how many entries in all; without them, a short page is the last.
/// </summary>
public sealed class ChronoTrackLiveClient
{
    public const string Service = "ChronoTrack Live";

    private readonly ChronoTrackCredentials _credentials;
    private readonly ChronoTrackLiveOptions _options;
    private readonly ApiCaller _caller;

    public ChronoTrackLiveClient(HttpClient http, ChronoTrackCredentials credentials, ChronoTrackLiveOptions? options = null, TimeProvider? time = null, RequestBudget? budget = null)
    {
        _options = options ?? new ChronoTrackLiveOptions();
        _options.Validate();
        _credentials = credentials;
        time ??= TimeProvider.System;
        _caller = new ApiCaller(http, Service, _options.Calls, budget ?? RequestBudget.For(_options.Calls, time), time, ChronoTrackLiveJson.ErrorText);
    }

    /// <summary>
    /// Every entry of the event. Entries seen twice (the list shifted between pages) count once; fewer entries than the
    /// row count said (the list shifted the other way) fail the pull rather than leave runners out.
    /// </summary>
    public async Task<IReadOnlyList<RosterEntry>> GetEntriesAsync(long eventId, CancellationToken cancellationToken = default)
    {
        var entries = new List<RosterEntry>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int? rowCount = null;
        for (var page = 1; ; page++)
        {
            if (page > _options.MaxPages)
            {
                throw new OnlineException(OnlineProblem.Malformed, $"{Service} sent {_options.MaxPages} pages of entries for event {eventId} and no end; nothing was written");
            }

            var what = $"entries page {page} of event {eventId}";
            var answer = await _caller.CallAsync(() => new HttpRequestMessage(HttpMethod.Get, Urls.Combine(_options.BaseUrl, $"event/{eventId}/entry",
                [
                    ("format", "json"), ("client_id", _credentials.ClientId), ("user_id", _credentials.UserId), ("user_pass", _credentials.PasswordHash),
                    ("page", Number(page)), ("size", Number(_options.PageSize)),
                ])), what, Refused(eventId), cancellationToken);
            using var document = JsonAnswer.Parse(answer.Body, Service, what);
            var rows = ChronoTrackLiveJson.Entries(document.RootElement, what);
            foreach (var row in rows)
            {
                if (row.SourceId.Length > 0 && seen.TryGetValue(row.SourceId, out var at))
                {
                    entries[at] = row;
                }
                else
                {
                    seen[row.SourceId.Length > 0 ? row.SourceId : $"row {entries.Count}"] = entries.Count;
                    entries.Add(row);
                }
            }

            var pageCount = Header(answer, "X-Ctlive-Page-Count", what);
            var current = Header(answer, "X-Ctlive-Current-Page", what);
            rowCount = Header(answer, "X-Ctlive-Row-Count", what) ?? rowCount;
            if (current is { } c && c != page)
            {
                throw JsonAnswer.Malformed(Service, what, $"page {c} (X-Ctlive-Current-Page), not the page asked for");
            }

            var last = pageCount is { } count ? page >= count : rows.Count < _options.PageSize;
            if (last || rows.Count == 0)
            {
                break;
            }
        }

        if (rowCount is { } expected && entries.Count < expected)
        {
            throw new OnlineException(OnlineProblem.Malformed,
                $"{Service} counted {expected} entries for event {eventId} (X-Ctlive-Row-Count) but sent {entries.Count}: entries changed during the pull; pull again (nothing was written)");
        }

        return entries;
    }

    private Func<string?, string> Refused(long eventId) => said =>
        $"{Service} refused user '{_credentials.UserId}' with client id '{_credentials.ClientId}' for event {eventId}: check the user, the password file " +
        $"and the client id, and that the user may see the event (the password is sent as its SHA-1 hex, as ChronoTrack's own clients send it)" +
        (said is null ? "" : $" ({Service} said: {said})");

    private static int? Header(ApiAnswer answer, string name, string what)
    {
        if (answer.Header(name) is not { } text)
        {
            return null;
        }

        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw JsonAnswer.Malformed(Service, what, $"sent with {name}: '{new string([.. text.Take(40).Where(c => !char.IsControl(c))])}', not a number");
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
