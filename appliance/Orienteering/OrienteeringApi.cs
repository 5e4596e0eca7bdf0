using Edge.Appliance.Console;
using Edge.Appliance.Meet;
using Edge.Appliance.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Edge.Appliance.Orienteering;

public sealed record OClassJson(string Key, string Name, string? ShortName, string Scoring, bool Configured, int Competitors, int Ranked, double? CourseLength, double? CourseClimb);

public sealed record OClassesJson(string? Event, DateTimeOffset? CreateTime, IReadOnlyList<OClassJson> Classes, IReadOnlyList<string> Unconfigured, IReadOnlyList<OTeamClassJson> Teams);

public sealed record OTeamClassJson(string Id, string Name, string Scoring, IReadOnlyList<string> Classes);

public sealed record OSplitJson(string Control, string? Time, string? Leg, int? LegRank);

/// <summary>A competitor's row: <c>time</c> as h:mm:ss, <c>status</c> in words (OK, MP, DNF, DSQ...), <c>timeBehind</c> the leader (ranked rows only).</summary>
public sealed record OResultJson(int? Position, string Name, string? Organisation, string Status, string? Time, double? Score, string? TimeBehind, string? Bib, string? PersonId, IReadOnlyList<OSplitJson> Splits);

public sealed record OMemberJson(string Name, string ClassKey, double Score);

public sealed record OTeamResultJson(int? Position, string Organisation, double Score, IReadOnlyList<OMemberJson> Members);

public sealed record OStandingJson(int? Position, string Name, string? Organisation, double? Total, IReadOnlyList<double?> Events, IReadOnlyList<int> Counted);

public sealed record OSeriesGroupJson(string Key, IReadOnlyList<OStandingJson> Standings);

public sealed record OSeriesJson(string Name, int Best, IReadOnlyList<OSeriesGroupJson> Classes, IReadOnlyList<OSeriesGroupJson> Teams);

public sealed record OImportJson(bool Stored, long LogId, string Status, DateTimeOffset? CreateTime, int Classes, int Competitors, bool Shown);

public sealed record OErrorJson(string Error);

/// <summary>
/// The orienteering results as JSON (<c>/api/o/...</c>), and the upload: <c>POST /api/o/results</c> takes an IOF XML
/// 3.0 ResultList as the body (the timer's session; 201 stored, 200 already stored, 400 with the parser's reason).
/// </summary>
public static class OrienteeringApi
{
    public static IEndpointRouteBuilder MapOrienteeringApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/o");
        api.MapGet("/classes", Classes);
        api.MapGet("/classes/{key}/results", ClassResults);
        api.MapGet("/teams/{id}/results", TeamResults);
        api.MapGet("/series", Series);
        var maxBody = app.ServiceProvider.GetRequiredService<OrienteeringImport>().MaxBytes;
        api.MapPost("/results", Upload).RequireAuthorization(ConsoleRoles.TimerPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(maxBody));
        return app;
    }

    private static Ok<OClassesJson> Classes(OrienteeringResults results, MeetHost meet)
    {
        var state = results.Current;
        var settings = meet.Current.Orienteering;
        var scored = state.Scored;
        return TypedResults.Ok(new OClassesJson(
            scored?.Event.Name,
            state.List?.CreateTime,
            [.. (scored?.Classes ?? []).Select(c => new OClassJson(c.Key, c.Class.Name, c.Class.ShortName, SchemeNames.Of(c.Scheme), settings.ConfiguredKey(c.Class) is not null,
                c.Competitors.Count, c.Competitors.Count(r => r.Position is not null), c.Course?.Length, c.Course?.Climb))],
            scored?.UnconfiguredClasses ?? [],
            [.. (scored?.Teams ?? []).Select(t => new OTeamClassJson(t.Team.Id, t.Team.Name, SchemeNames.Of(t.Team.Scheme), t.Team.Classes))]));
    }

    private static Results<Ok<List<OResultJson>>, NotFound<OErrorJson>> ClassResults(string key, OrienteeringResults results)
    {
        key = WebInput.Route(key, "class", WebInput.MaxIdLength);
        if (results.Current.FindClass(key) is not { } c)
        {
            return TypedResults.NotFound(new OErrorJson($"There is no class '{key}' in the results."));
        }

        var leader = c.Competitors.Where(r => r.Position == 1).Select(r => r.Result.Time).FirstOrDefault();
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

    private static Results<Ok<List<OTeamResultJson>>, NotFound<OErrorJson>> TeamResults(string id, OrienteeringResults results)
    {
        id = WebInput.Route(id, "team class", WebInput.MaxIdLength);
        if (results.Current.FindTeam(id) is not { } t)
        {
            return TypedResults.NotFound(new OErrorJson($"There is no team class '{id}' in the results."));
        }

        return TypedResults.Ok(t.Teams.Select(team => new OTeamResultJson(
            team.Position, team.Organisation.Name ?? team.Organisation.ShortName ?? team.Key, team.Score,
            [.. team.Scorers.Select(s => new OMemberJson(s.Result.Person.Name, s.ClassKey, s.Score))])).ToList());
    }

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
