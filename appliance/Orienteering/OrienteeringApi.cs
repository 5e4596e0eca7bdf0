using Edge.Appliance.Console;
using Edge.Appliance.Meet;
using Edge.Appliance.Web;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Edge.Appliance.Orienteering;

public sealed record OClassJson(string Key, string Name, string? ShortName, string Scoring, bool Configured, int Competitors, int Ranked, double? CourseLength, double? CourseClimb);

/// <summary>The classes of a day: <c>day</c> and <c>dayName</c> only on a multi-day meet, or when <c>?day</c> was given.</summary>
public sealed record OClassesJson(
    string? Event,
    DateTimeOffset? CreateTime,
    IReadOnlyList<OClassJson> Classes,
    IReadOnlyList<string> Unconfigured,
    IReadOnlyList<OTeamClassJson> Teams,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Day = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DayName = null);

public sealed record OTeamClassJson(string Id, string Name, string Scoring, IReadOnlyList<string> Classes);

public sealed record OSplitJson(string Control, string? Time, string? Leg, int? LegRank);

/// <summary>A competitor's row: <c>time</c> as h:mm:ss, <c>status</c> in words (OK, MP, DNF, DSQ...), <c>timeBehind</c> the leader (ranked rows only).</summary>
public sealed record OResultJson(int? Position, string Name, string? Organisation, string Status, string? Time, double? Score, string? TimeBehind, string? Bib, string? PersonId, IReadOnlyList<OSplitJson> Splits);

public sealed record OMemberJson(string Name, string ClassKey, double Score);

public sealed record OTeamResultJson(int? Position, string Organisation, double Score, IReadOnlyList<OMemberJson> Members);

public sealed record OStandingJson(int? Position, string Name, string? Organisation, double? Total, IReadOnlyList<double?> Events, IReadOnlyList<int> Counted);

public sealed record OSeriesGroupJson(string Key, IReadOnlyList<OStandingJson> Standings);

public sealed record OSeriesJson(string Name, int Best, IReadOnlyList<OSeriesGroupJson> Classes, IReadOnlyList<OSeriesGroupJson> Teams);

/// <summary>A day of the meet: its number (the IOF race number), its name, and how many classes and competitors it holds.</summary>
public sealed record ODayJson(int Number, string Name, DateTimeOffset? CreateTime, int Classes, int Competitors, int Ranked);

/// <summary>The meet's days; <c>current</c> is the one shown without <c>?day</c>; <c>overall</c>: there are totals (two days or more).</summary>
public sealed record ODaysJson(int? Current, bool Overall, IReadOnlyList<ODayJson> Days);

/// <summary>
/// One day of an overall row: the day's <c>score</c> (null: no score that day), <c>counted</c> in the total, the
/// day's <c>position</c>, and for a competitor the day's <c>time</c> (h:mm:ss) and <c>status</c> (null when not in that day's results).
/// </summary>
public sealed record OOverallDayJson(int Day, double? Score, bool Counted, int? Position, string? Time, string? Status);

/// <summary>
/// An overall row: <c>total</c> of the days' scores (null when not ranked: a time or awt scheme with a day missing),
/// <c>totalTime</c> as h:mm:ss for the time scheme. A team's <c>name</c> and <c>organisation</c> are its organisation's name.
/// </summary>
public sealed record OOverallJson(int? Position, string Name, string? Organisation, IReadOnlyList<OOverallDayJson> Days, double? Total, string? TotalTime);

public sealed record OImportJson(bool Stored, long LogId, string Status, DateTimeOffset? CreateTime, int Classes, int Competitors, bool Shown);

public sealed record OErrorJson(string Error);

/// <summary>
/// The orienteering results as JSON (<c>/api/o/...</c>), and the upload: <c>POST /api/o/results</c> takes an IOF XML
/// 3.0 ResultList as the body (the timer's session; 201 stored, 200 already stored, 400 with the parser's reason).
/// A multi-day meet: <c>/api/o/days</c> lists the days, <c>?day=N</c> on the classes, class results and team results
/// picks one (without it, the current day; 400 for what is not a day number, 404 for a day not in the results), and
/// <c>/api/o/overall/classes/{key}</c> and <c>/api/o/overall/teams/{id}</c> answer the totals (404 on a one-day meet).
/// </summary>
public static class OrienteeringApi
{
    public static IEndpointRouteBuilder MapOrienteeringApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/o");
        api.MapGet("/days", Days);
        api.MapGet("/classes", Classes);
        api.MapGet("/classes/{key}/results", ClassResults);
        api.MapGet("/teams/{id}/results", TeamResults);
        api.MapGet("/overall/classes/{key}", OverallClass);
        api.MapGet("/overall/teams/{id}", OverallTeam);
        api.MapGet("/series", Series);
        var maxBody = app.ServiceProvider.GetRequiredService<OrienteeringImport>().MaxBytes;
        api.MapPost("/results", Upload).RequireAuthorization(ConsoleRoles.TimerPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(maxBody));
        return app;
    }

    private static Ok<ODaysJson> Days(OrienteeringResults results)
    {
        var state = results.Current;
        return TypedResults.Ok(new ODaysJson(state.CurrentDay?.Number, state.Overall is not null, [.. state.Days.Select(d => new ODayJson(
            d.Number, d.Name, d.List.CreateTime, d.Scored.Classes.Count, d.Scored.Classes.Sum(c => c.Competitors.Count),
            d.Scored.Classes.Sum(c => c.Competitors.Count(r => r.Position is not null))))]));
    }

    private static Results<Ok<OClassesJson>, BadRequest<OErrorJson>, NotFound<OErrorJson>> Classes(HttpContext context, OrienteeringResults results, MeetHost meet)
    {
        var state = results.Current;
        var (day, asked, problem) = Day(context, state);
        if (problem is not null)
        {
            return problem.Bad ? TypedResults.BadRequest(problem.Error) : TypedResults.NotFound(problem.Error);
        }

        var settings = meet.Current.Orienteering;
        var scored = day?.Scored;
        // A one-day meet answers as it always did; a multi-day one says which day this is.
        var named = day is not null && (asked || state.IsMultiDay);
        return TypedResults.Ok(new OClassesJson(
            scored?.Event.Name,
            day?.List.CreateTime,
            [.. (scored?.Classes ?? []).Select(c => new OClassJson(c.Key, c.Class.Name, c.Class.ShortName, SchemeNames.Of(c.Scheme), settings.ConfiguredKey(c.Class) is not null,
                c.Competitors.Count, c.Competitors.Count(r => r.Position is not null), c.Course?.Length, c.Course?.Climb))],
            scored?.UnconfiguredClasses ?? [],
            [.. (scored?.Teams ?? []).Select(t => new OTeamClassJson(t.Team.Id, t.Team.Name, SchemeNames.Of(t.Team.Scheme), t.Team.Classes))],
            named ? day!.Number : null,
            named ? day!.Name : null));
    }

    private static Results<Ok<List<OResultJson>>, BadRequest<OErrorJson>, NotFound<OErrorJson>> ClassResults(HttpContext context, string key, OrienteeringResults results)
    {
        key = WebInput.Route(key, "class", WebInput.MaxIdLength);
        var (day, asked, problem) = Day(context, results.Current);
        if (problem is not null)
        {
            return problem.Bad ? TypedResults.BadRequest(problem.Error) : TypedResults.NotFound(problem.Error);
        }

        if (day?.FindClass(key) is not { } c)
        {
            return TypedResults.NotFound(new OErrorJson(asked ? $"There is no class '{key}' on day {day!.Number} of the results." : $"There is no class '{key}' in the results."));
        }

        var leader = c.LeaderTime;
        var legs = OrienteeringLegs.Of(c);
        return TypedResults.Ok(c.Competitors.Zip(legs).Select(x =>
        {
            var (r, row) = x;
            var p = r.Result;
            return new OResultJson(
                r.Position, p.Person.Name, p.Organisation?.Name ?? p.Organisation?.ShortName, OrienteeringFormat.Status(p.Status), Null(OrienteeringFormat.Time(p.Time)),
                r.Score, r.Position is not null && leader is { } l && p.Time is { } t ? Null(OrienteeringFormat.Behind(t - l)) ?? "+0:00" : null,
                p.Bib, p.Person.Id,
                [.. row.Select(leg => new OSplitJson(leg.To, Null(OrienteeringFormat.Time(leg.At)), Null(OrienteeringFormat.Time(leg.Time)), leg.Rank))]);
        }).ToList());
    }

    private static Results<Ok<List<OTeamResultJson>>, BadRequest<OErrorJson>, NotFound<OErrorJson>> TeamResults(HttpContext context, string id, OrienteeringResults results)
    {
        id = WebInput.Route(id, "team class", WebInput.MaxIdLength);
        var (day, asked, problem) = Day(context, results.Current);
        if (problem is not null)
        {
            return problem.Bad ? TypedResults.BadRequest(problem.Error) : TypedResults.NotFound(problem.Error);
        }

        if (day?.FindTeam(id) is not { } t)
        {
            return TypedResults.NotFound(new OErrorJson(asked ? $"There is no team class '{id}' on day {day!.Number} of the results." : $"There is no team class '{id}' in the results."));
        }

        return TypedResults.Ok(t.Teams.Select(team => new OTeamResultJson(
            team.Position, team.Organisation.Name ?? team.Organisation.ShortName ?? team.Key, team.Score,
            [.. team.Scorers.Select(s => new OMemberJson(s.Result.Person.Name, s.ClassKey, s.Score))])).ToList());
    }

    private static Results<Ok<List<OOverallJson>>, NotFound<OErrorJson>> OverallClass(string key, OrienteeringResults results)
    {
        key = WebInput.Route(key, "class", WebInput.MaxIdLength);
        var state = results.Current;
        if (state.Overall is null)
        {
            return TypedResults.NotFound(new OErrorJson(OrienteeringDayQuery.NoOverall));
        }

        if (state.FindOverallClass(key) is not { } c)
        {
            return TypedResults.NotFound(new OErrorJson($"There is no class '{key}' in the overall results."));
        }

        var days = OverallDays.Of(state, c);
        return TypedResults.Ok(c.Standings.Select(s => new OOverallJson(
            s.Position, s.Person?.Name ?? s.Identity, s.Organisation?.Name ?? s.Organisation?.ShortName,
            [.. state.Days.Select((d, i) =>
            {
                var row = days.Day(i, s);
                return new OOverallDayJson(d.Number, s.Rounds[i], s.Counted.Contains(i), row?.Position,
                    row is null ? null : Null(OrienteeringFormat.Time(row.Result.Time)), row is null ? null : OrienteeringFormat.Status(row.Result.Status));
            })],
            s.Total, c.Scheme == ClassScheme.Time && s.Total is { } total ? Null(OrienteeringFormat.Time(total)) : null)).ToList());
    }

    private static Results<Ok<List<OOverallJson>>, NotFound<OErrorJson>> OverallTeam(string id, OrienteeringResults results)
    {
        id = WebInput.Route(id, "team class", WebInput.MaxIdLength);
        var state = results.Current;
        if (state.Overall is null)
        {
            return TypedResults.NotFound(new OErrorJson(OrienteeringDayQuery.NoOverall));
        }

        if (state.FindOverallTeam(id) is not { } t)
        {
            return TypedResults.NotFound(new OErrorJson($"There is no team class '{id}' in the overall results."));
        }

        var days = OverallDays.Of(state, t);
        return TypedResults.Ok(t.Standings.Select(s =>
        {
            var name = s.Organisation?.Name ?? s.Organisation?.ShortName ?? s.Identity;
            return new OOverallJson(s.Position, name, name,
                [.. state.Days.Select((d, i) => new OOverallDayJson(d.Number, s.Rounds[i], s.Counted.Contains(i), days.Team(i, s)?.Position, null, null))],
                s.Total, null);
        }).ToList());
    }

    /// <summary>
    /// The day <c>?day</c> names (and Asked: it was given), else the current day (null before any
    /// results); or the problem to answer: not a day number (400), or no such day in the results (404).
    /// </summary>
    private static (OrienteeringDay? Day, bool Asked, DayProblem? Problem) Day(HttpContext context, OrienteeringState state)
    {
        int? asked;
        try
        {
            asked = OrienteeringDayQuery.Parse(context.Request);
        }
        catch (BadInputException e)
        {
            return (null, true, new DayProblem(true, new OErrorJson(e.Message)));
        }

        if (asked is { } n && state.Day(n) is null)
        {
            return (null, true, new DayProblem(false, new OErrorJson(OrienteeringDayQuery.NoSuchDay(n))));
        }

        return (OrienteeringDayQuery.Shown(state, asked), asked is not null, null);
    }

    private sealed record DayProblem(bool Bad, OErrorJson Error);

    private static Results<Ok<OSeriesJson>, NotFound<OErrorJson>> Series(OrienteeringResults results, MeetHost meet)
    {
        if (meet.Current.Orienteering.Series is not { } series)
        {
            return TypedResults.NotFound(new OErrorJson("This meet is not part of a series (orienteering.series in meet.json)."));
        }

        var season = results.Current.Season;
        static OStandingJson Row(Standing s) => new(s.Position, s.Person?.Name ?? s.Organisation?.Name ?? s.Identity, s.Person is null ? null : s.Organisation?.Name, s.Total, s.Rounds, s.Counted);
        return TypedResults.Ok(new OSeriesJson(series.Name, series.Best,
            [.. (season?.Classes ?? []).Select(c => new OSeriesGroupJson(c.Key, [.. c.Standings.Select(Row)]))],
            [.. (season?.Teams ?? []).Select(t => new OSeriesGroupJson(t.Team.Id, [.. t.Standings.Select(Row)]))]));
    }

    private static async Task<Results<Created<OImportJson>, Ok<OImportJson>, BadRequest<OErrorJson>, ProblemHttpResult>> Upload(
        HttpContext context, OrienteeringImport import, Microsoft.Extensions.Options.IOptions<ConsoleOptions> console)
    {
        // As the console: only from the timer's side of the network (Console:AllowedNetworks).
        if (!Ingest.TimingOptions.Allows(console.Value.Networks(), context.Connection.RemoteIpAddress))
        {
            return TypedResults.Problem("Uploads open only from the timer's network.", statusCode: StatusCodes.Status403Forbidden);
        }

        byte[] bytes;
        using (var body = new MemoryStream())
        {
            await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
            bytes = body.ToArray();
        }

        try
        {
            var source = "upload" + (context.User.Identity?.Name is { Length: > 0 } who ? " by " + who : "");
            var done = await import.ImportAsync(bytes, source, context.RequestAborted).ConfigureAwait(false);
            var json = new OImportJson(done.Stored, done.LogId, done.Status.ToString(), done.CreateTime, done.Classes, done.Competitors, done.Shown);
            return done.Stored ? TypedResults.Created("/api/o/classes", json) : TypedResults.Ok(json);
        }
        catch (IofParseException e)
        {
            return TypedResults.BadRequest(new OErrorJson("The result list was not imported: " + e.Message));
        }
        catch (InvalidOperationException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static string? Null(string text) => text.Length == 0 ? null : text;
}
