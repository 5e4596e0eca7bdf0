using System.Text.Json;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;

namespace Edge.Appliance.Web;

/// <summary>
/// The results as JSON for tools and the cloud: <c>/api/races</c>, <c>/api/races/{id}/results</c>,
/// <c>/api/participants</c> and <c>/api/participants/{bib}</c>. Times are "h:mm:ss.ff", clock times the event's
/// local "HH:mm:ss.ff"; unknown values, and times out of range (a read at an absurd instant), are null. A race's
/// <c>rankedBy</c> says which time its places go by, and each row's <c>time</c> is that one (<c>chipTime</c> and
/// <c>gunTime</c> follow it).
/// </summary>
public static class ResultsApi
{
    public const int MaxLimit = 100_000;

    private const string JsonType = "application/json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The box's API, under <c>/api</c>.</summary>
    public static IEndpointRouteBuilder MapResultsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").MapResultsRoutes();
        return app;
    }

    /// <summary>The API's routes on a group: the box's <c>/api</c>, or in the cloud one event's <c>/api/e/{eventId}</c>.</summary>
    public static RouteGroupBuilder MapResultsRoutes(this RouteGroupBuilder api)
    {
        // The handlers that write cached bytes say what they answer, for the API description (ApiDocs).
        api.MapGet("/races", Races).Produces<List<RaceJson>>(contentType: JsonType);
        api.MapGet("/races/{id}/results", RaceResults).Produces<List<ResultJson>>(contentType: JsonType).Produces(StatusCodes.Status404NotFound);
        api.MapGet("/participants", Participants).Produces<List<ParticipantJson>>(contentType: JsonType);
        api.MapGet("/participants/{bib}", ParticipantByBib).Produces<ResultJson>(contentType: JsonType).Produces(StatusCodes.Status404NotFound);
        api.MapGet("/unknown-tags", UnknownTags).Produces<UnknownTagsJson>(contentType: JsonType);
        return api;
    }

    private static Task Races(HttpContext context, PageCache cache)
    {
        var site = ResultsSite.Of(context);
        var snapshot = site.Results.Current;
        var page = cache.Get($"api|{site.Base}|races", snapshot, () => JsonPage(snapshot, snapshot.Meet.Races.Select(race =>
        {
            var r = snapshot.Race(race.Id);
            var c = r?.Counts ?? new RaceCounts(0, 0, 0, 0, 0, 0);
            return new RaceJson(
                race.Id, race.Name, race.DistanceKm, Name(race.RankBy), r is null ? Name(race.RankBy) : Name(ResultFormat.RankedBy(r)),
                r?.GunMs is { } gun ? Clock(gun, snapshot.Meet.Event.TimeZone) : null,
                [.. race.TimingPoints.Select(t => new TimingPointJson(t.Location, t.Role.ToString().ToLowerInvariant(), t.Km))],
                new CountsJson(c.Registered, c.Started, c.OnCourse, c.Finished, c.Dnf, c.Dq, c.StillOut, c.Total));
        }).ToList()));
        return page.WriteAsync(context);
    }

    private static Task RaceResults(HttpContext context, string id, PageCache cache)
    {
        id = WebInput.Route(id, "race", WebInput.MaxIdLength);
        var site = ResultsSite.Of(context);
        var snapshot = site.Results.Current;
        var raceResults = snapshot.Race(id) ?? throw new NotFoundException($"There is no race '{id}'.");
        var request = context.Request;
        var gender = WebInput.Text(request, "gender", 8)?.ToUpperInvariant();
        var division = WebInput.Text(request, "division", 40);
        var offset = (int)Math.Min(WebInput.Long(request, "offset") ?? 0, int.MaxValue);
        var limit = WebInput.Number(request, "limit", MaxLimit, MaxLimit);
        var key = $"api|{site.Base}|results|{raceResults.Race.Id}|{gender}|{division}|{offset}|{limit}";
        var page = cache.Get(key, raceResults, () =>
        {
            var rows = RaceView.Of(raceResults).Select(gender, division);
            var rankedBy = ResultFormat.RankedBy(raceResults);
            return JsonPage(raceResults, rows.Slice(offset, limit).Select(r => Row(r, rankedBy, snapshot.Meet)).ToList());
        });
        return page.WriteAsync(context);
    }

    private static Task Participants(HttpContext context, PageCache cache)
    {
        var site = ResultsSite.Of(context);
        var snapshot = site.Results.Current;
        var page = cache.Get($"api|{site.Base}|participants", snapshot, () => JsonPage(snapshot, snapshot.Meet.Participants.Select(p => new ParticipantJson(
            p.Bib, p.FirstName, p.LastName, p.Gender, p.Age, p.RaceId, p.City, p.State, p.Team,
            ResultFormat.Status(snapshot.ByBib.TryGetValue(p.Bib, out var row) ? row.Status : ParticipantStatus.Registered))).ToList()));
        return page.WriteAsync(context);
    }

    /// <summary>Tags read at the box that nobody in the roster carries: a mistyped chip, a day-of entry, a bib swap to record.</summary>
    private static Task UnknownTags(HttpContext context, PageCache cache)
    {
        var site = ResultsSite.Of(context);
        var snapshot = site.Results.Current;
        var page = cache.Get($"api|{site.Base}|unknown", snapshot, () => JsonPage(snapshot, new UnknownTagsJson(
            snapshot.UnknownTagCount,
            [.. snapshot.UnknownTags.Select(u => new UnknownTagJson(u.Tag, u.Reads, u.LastLocation, Clock(u.LastAtMs, snapshot.Meet.Event.TimeZone)))])));
        return page.WriteAsync(context);
    }

    private static IResult ParticipantByBib(HttpContext context, string bib)
    {
        bib = WebInput.Route(bib, "bib", WebInput.MaxBibLength);
        var snapshot = ResultsSite.Of(context).Results.Current;
        if (!snapshot.ByBib.TryGetValue(bib, out var row))
        {
            throw new NotFoundException($"No participant has bib '{bib}'.");
        }

        var rankedBy = snapshot.Race(row.RaceId) is { } race ? ResultFormat.RankedBy(race) : RankBy.Gun;
        return Microsoft.AspNetCore.Http.Results.Json(Row(row, rankedBy, snapshot.Meet), Json);
    }

    /// <summary>A result row; <paramref name="rankedBy"/> is the time its race places by (<see cref="ResultFormat.RankedBy"/>).</summary>
    public static ResultJson Row(ResultRow row, RankBy rankedBy, Meet.Meet meet)
    {
        var zone = meet.Event.TimeZone;
        var p = row.Participant;
        return new ResultJson(
            row.Bib, row.Name, p.FirstName, p.LastName, p.Gender, p.Age, row.Division, row.RaceId, p.City, p.State, p.Team,
            ResultFormat.Status(row.Status), Time(ResultFormat.RankingTime(row, rankedBy)), Time(row.ChipTime), Time(row.GunTime), row.Place, row.GenderPlace, row.DivisionPlace,
            Shown(ResultFormat.Pace(row.PacePerKm)), Shown(ResultFormat.Pace(row.PacePerMile)),
            StartMs(row) is { } start ? Clock(start, zone) : null,
            row.FinishMs is { } finish ? Clock(finish, zone) : null,
            row.LastLocation, row.LastSeenMs is { } seen ? Clock(seen, zone) : null,
            [.. row.Splits.Select(s => new SplitJson(s.Location, s.Km, Time(s.Elapsed), Clock(s.AtMs, zone)))],
            row.Note);
    }

    /// <summary>When the runner started; none for a runner not seen yet (the engine counts them from the gun).</summary>
    public static long? StartMs(ResultRow row) => row.Status == ParticipantStatus.Registered ? null : row.ChipStartMs;

    private static string Name(RankBy by) => by == RankBy.Gun ? "gun" : "chip";

    private static string? Time(TimeSpan? t) => Shown(ResultFormat.Time(t));

    private static string? Clock(long atMs, TimeZoneInfo zone) => Shown(ResultFormat.ClockTime(atMs, zone));

    /// <summary>Unknown and out-of-range values are null: a consumer gets a time in the documented shape or none.</summary>
    private static string? Shown(string text) => text is "" or ResultFormat.InvalidTime ? null : text;

    private static CachedPage JsonPage<T>(object dependency, T value) =>
        new(dependency, JsonSerializer.SerializeToUtf8Bytes(value, Json), "application/json; charset=utf-8");

    /// <summary><c>count</c> is every distinct unknown tag; <c>tags</c> lists the first 10,000 seen, most recently read first.</summary>
    public sealed record UnknownTagsJson(long Count, IReadOnlyList<UnknownTagJson> Tags);

    public sealed record UnknownTagJson(string Tag, long Reads, string LastLocation, string? LastSeen);

    public sealed record CountsJson(int Registered, int Started, int OnCourse, int Finished, int Dnf, int Dq, int StillOut, int Total);

    public sealed record TimingPointJson(string Location, string Role, double? Km);

    /// <summary><c>rankBy</c> is meet.json's; <c>rankedBy</c> the time places go by now (chip until a gun-ranked race has its gun).</summary>
    public sealed record RaceJson(string Id, string Name, double DistanceKm, string RankBy, string RankedBy, string? GunTime, IReadOnlyList<TimingPointJson> TimingPoints, CountsJson Counts);

    public sealed record SplitJson(string Location, double? Km, string? Time, string? At);

    public sealed record ResultJson(
        string Bib, string Name, string FirstName, string LastName, string Gender, int? Age, string? Division, string Race,
        string City, string State, string Team, string Status, string? Time, string? ChipTime, string? GunTime, int? Place, int? GenderPlace,
        int? DivisionPlace, string? PacePerKm, string? PacePerMile, string? Start, string? Finish, string? LastLocation, string? LastSeen,
        IReadOnlyList<SplitJson> Splits, string? Note);

    public sealed record ParticipantJson(
        string Bib, string FirstName, string LastName, string Gender, int? Age, string Race, string City, string State, string Team, string Status);
}
