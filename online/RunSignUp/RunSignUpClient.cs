using System.Globalization;
using System.Text.Json;
using Edge.Online.Http;
using Edge.Online.Results;
using Edge.Online.Roster;

namespace Edge.Online.RunSignUp;

/// <summary>Where results go: a race's event and its result set, by id, or by name (found, or created by the first post).</summary>
public sealed record ResultSetTarget(long RaceId, long EventId, long? ResultSetId = null, string? ResultSetName = null);

/// <summary>What a results post did; no result set id when nothing was posted to a set that does not exist yet.</summary>
public sealed record PostedResults(long? ResultSetId, int Rows, int Batches, bool CreatedResultSet);

/// <summary>
/// RunSignUp's REST API (PROTOCOLS.md §4): a race's participants, event by event, page by page; results posted to a
/// result set. Every call goes through one <see cref="ApiCaller"/>: the account's budget, retries, Retry-After.
/// </summary>
public sealed class RunSignUpClient
{
    public const string Service = "RunSignUp";

    private readonly RunSignUpCredentials _credentials;
    private readonly RunSignUpOptions _options;
    private readonly TimeProvider _time;
    private readonly ApiCaller _caller;

    /// <summary>A client; <paramref name="budget"/> is the account's, when several clients call for one account, else one of its own.</summary>
    public RunSignUpClient(HttpClient http, RunSignUpCredentials credentials, RunSignUpOptions? options = null, TimeProvider? time = null, RequestBudget? budget = null)
    {
        _options = options ?? new RunSignUpOptions();
        _options.Validate();
        (_credentials, _time) = (credentials, time ?? TimeProvider.System);
        _caller = new ApiCaller(http, Service, _options.Calls, budget ?? RequestBudget.For(_options.Calls, _time), _time, RunSignUpJson.ErrorText);
    }

    /// <summary>
    /// Every participant of the events, paged until a short page. Registrations seen twice (the list shifted between
    /// pages) count once, the later row winning.
    /// </summary>
    public async Task<IReadOnlyList<RosterEntry>> GetParticipantsAsync(long raceId, IReadOnlyList<long> eventIds, CancellationToken cancellationToken = default)
    {
        if (eventIds.Count == 0)
        {
            throw new ArgumentException("at least one event id", nameof(eventIds));
        }

        var entries = new List<RosterEntry>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var eventId in eventIds.Distinct())
        {
            for (var page = 1; ; page++)
            {
                if (page > _options.MaxPages)
                {
                    throw new OnlineException(OnlineProblem.Malformed, $"{Service} sent {_options.MaxPages} full pages of participants for event {eventId} of race {raceId} and no end; nothing was written");
                }

                var what = $"participants page {page} of event {eventId}, race {raceId}";
                var answer = await GetAsync($"race/{raceId}/participants", what, Refused(raceId), cancellationToken,
                    ("event_id", Id(eventId)), ("page", Id(page)), ("results_per_page", Id(_options.ResultsPerPage)));
                using var document = JsonAnswer.Parse(answer.Body, Service, what);
                ThrowIfError(document.RootElement, what, raceId);
                var rows = RunSignUpJson.Participants(document.RootElement, eventId, what);
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

                if (rows.Count < _options.ResultsPerPage)
                {
                    break;
                }
            }
        }

        return entries;
    }

    /// <summary>
    /// Posts results in batches (<see cref="RunSignUpOptions.ResultsBatch"/>, a pause between them). RunSignUp matches
    /// rows by bib, so posting again after a change updates each runner's row: the call is safe to repeat as results
    /// change, and a batch retried after a lost answer does no harm.
    /// </summary>
    public async Task<PostedResults> PostResultsAsync(ResultSetTarget target, IReadOnlyList<ResultRow> rows, CancellationToken cancellationToken = default)
    {
        Check(target, rows);
        var setId = target.ResultSetId ?? await FindResultSetAsync(target, cancellationToken);
        var created = false;
        var batches = rows.Chunk(_options.ResultsBatch).ToList();
        for (var i = 0; i < batches.Count; i++)
        {
            if (i > 0)
            {
                await Task.Delay(_options.BatchPause, _time, cancellationToken);
            }

            var what = $"results batch {i + 1} of {batches.Count} for event {target.EventId}, race {target.RaceId}";
            var form = new List<KeyValuePair<string, string>>
            {
                new("event_id", Id(target.EventId)),
                new("request_format", "json"),
                new("request", RunSignUpJson.FullResults(batches[i])),
            };
            form.Add(setId is { } id
                ? new("individual_result_set_id", Id(id))
                : new("individual_result_set_name", target.ResultSetName!));
            var answer = await _caller.CallAsync(() => Request(HttpMethod.Post, $"race/{target.RaceId}/results/full-results", [], new FormUrlEncodedContent(form)),
                what, Refused(target.RaceId), cancellationToken);
            ThrowIfErrorBody(answer.Body, what, target.RaceId);
            if (setId is null)
            {
                // The first post created the set; the next ones (and the next run) must land in it, not make another.
                setId = await FindResultSetAsync(target, cancellationToken)
                    ?? throw new OnlineException(OnlineProblem.Rejected, $"{Service} took {what} but shows no result set named '{target.ResultSetName}' for event {target.EventId}");
                created = true;
            }
        }

        return new PostedResults(setId, rows.Count, batches.Count, created);
    }

    /// <summary>The id of the event's result set named as the target names it; null when there is none yet.</summary>
    private async Task<long?> FindResultSetAsync(ResultSetTarget target, CancellationToken cancellationToken)
    {
        var what = $"the result sets of event {target.EventId}, race {target.RaceId}";
        var answer = await GetAsync($"race/{target.RaceId}/results/get-result-sets", what, Refused(target.RaceId), cancellationToken, ("event_id", Id(target.EventId)));
        using var document = JsonAnswer.Parse(answer.Body, Service, what);
        ThrowIfError(document.RootElement, what, target.RaceId);
        var sets = RunSignUpJson.ResultSets(document.RootElement, what)
            .Where(s => string.Equals(s.Name.Trim(), target.ResultSetName!.Trim(), StringComparison.OrdinalIgnoreCase))
            .ToList();
        return sets.Count switch
        {
            0 => null,
            1 => sets[0].Id,
            _ => throw new OnlineException(OnlineProblem.Rejected, $"event {target.EventId} of race {target.RaceId} has {sets.Count} result sets named '{target.ResultSetName}': give the result set's id"),
        };
    }

    private Task<ApiAnswer> GetAsync(string path, string what, Func<string?, string> refused, CancellationToken cancellationToken, params (string Name, string Value)[] query) =>
        _caller.CallAsync(() => Request(HttpMethod.Get, path, query, null), what, refused, cancellationToken);

    private HttpRequestMessage Request(HttpMethod method, string path, (string Name, string Value)[] query, HttpContent? content)
    {
        var header = _options.Auth == RunSignUpAuth.SecretHeader;
        (string, string)[] auth = header
            ? [("rsu_api_key", _credentials.ApiKey)]
            : [("api_key", _credentials.ApiKey), ("api_secret", _credentials.ApiSecret)];
        var request = new HttpRequestMessage(method, Urls.Combine(_options.BaseUrl, path, [.. query, ("format", "json"), .. auth])) { Content = content };
        if (header)
        {
            request.Headers.Add("X-RSU-API-SECRET", _credentials.ApiSecret);
        }

        return request;
    }

    private static Func<string?, string> Refused(long raceId) => said =>
        $"{Service} refused the API key and secret for race {raceId}: check the key and secret files, and that the key belongs to the race's " +
        $"director, its timer or a partner the race has given access{(said is null ? "" : $" ({Service} said: {said})")}";

    /// <summary>RunSignUp may answer 200 with an error inside; one about the key is a refusal, any other is the call's failure.</summary>
    private static void ThrowIfError(JsonElement root, string what, long raceId)
    {
        if (RunSignUpJson.ErrorText(root) is not { } said)
        {
            return;
        }

        var words = said.ToLowerInvariant();
        if (words.Contains("api key", StringComparison.Ordinal) || words.Contains("secret", StringComparison.Ordinal)
            || words.Contains("not authorized", StringComparison.Ordinal) || words.Contains("permission", StringComparison.Ordinal))
        {
            throw new OnlineException(OnlineProblem.Refused, Refused(raceId)(said));
        }

        throw new OnlineException(OnlineProblem.Rejected, $"{Service} answered {what} with an error: {said}");
    }

    private static void ThrowIfErrorBody(byte[] body, string what, long raceId)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            ThrowIfError(document.RootElement, what, raceId);
        }
        catch (JsonException)
        {
            // A post's answer carries nothing the client needs; only an error inside it matters.
        }
    }

    private static void Check(ResultSetTarget target, IReadOnlyList<ResultRow> rows)
    {
        if (target.ResultSetId is null && string.IsNullOrWhiteSpace(target.ResultSetName))
        {
            throw new ArgumentException("a result set id or name", nameof(target));
        }

        var bibs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (string.IsNullOrWhiteSpace(row.Bib) || !bibs.Add(row.Bib))
            {
                throw new ArgumentException($"bib '{row.Bib}' is empty or given twice: RunSignUp matches results by bib, so each runner is one row", nameof(rows));
            }

            if (row.Status == ResultStatus.Finished && row.ClockTime is null)
            {
                throw new ArgumentException($"bib {row.Bib} finished without a clock time", nameof(rows));
            }
        }
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
