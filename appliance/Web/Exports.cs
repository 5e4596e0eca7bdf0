using System.Globalization;
using System.Text;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Appliance.Store;
using Edge.Store;

namespace Edge.Appliance.Web;

/// <summary>
/// <c>/races/{id}/results.csv</c>: a race's results for spreadsheets and scoring software, finishers in place order
/// then everyone else; of the two time columns the one places go by comes first (<c>gun_time</c> in a gun-ranked
/// race, <c>chip_time</c> in a chip-ranked one). Roster text is neutralised so a spreadsheet never runs it as a formula.
/// <c>/api/meets</c> and <c>/api/meets/{id}/log.csv</c>: every meet the box keeps, the open one and archived ones,
/// and any meet's whole log (reads, gun events, corrections) as stored, for archiving or another program.
/// </summary>
public static class Exports
{
    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/races/{id}/results.csv", ResultsCsv);
        // Every stored meet's raw log is the timer's data, not a spectator's: signed-in timer only.
        app.MapGet("/api/meets", Meets).RequireAuthorization(Console.ConsoleRoles.TimerPolicy);
        app.MapGet("/api/meets/{id:long}/log.csv", LogCsv).Produces<string>(contentType: "text/csv").Produces(StatusCodes.Status404NotFound)
            .RequireAuthorization(Console.ConsoleRoles.TimerPolicy);
        return app;
    }

    /// <summary>A meet the store keeps; <c>open</c> is the one new reads go to.</summary>
    public sealed record MeetSummary(long Id, string Key, string Name, string? Date, string TimeZone, long Reads, long Guns, bool Open);

    private static List<MeetSummary> Meets(ReadStore store)
    {
        using var connection = EdgeDatabase.OpenReader(Path.GetDirectoryName(store.DatabasePath)!);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT m.id, m.key, m.name, m.date, m.time_zone, COALESCE(SUM(l.reads), 0), COALESCE(SUM(l.guns), 0)
            FROM meets m LEFT JOIN locations l ON l.meet_id = m.id GROUP BY m.id ORDER BY m.id
            """;
        using var reader = command.ExecuteReader();
        var open = store.Meet.Id;
        var meets = new List<MeetSummary>();
        while (reader.Read())
        {
            meets.Add(new MeetSummary(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(0) == open));
        }

        return meets;
    }

    /// <summary>Streams one meet's log in id order, a page at a time, so a big meet never sits in memory whole.</summary>
    private static async Task LogCsv(HttpContext context, long id, ReadStore store)
    {
        using var connection = EdgeDatabase.OpenReader(Path.GetDirectoryName(store.DatabasePath)!);
        using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT key FROM meets WHERE id = $id";
            exists.Parameters.AddWithValue("$id", id);
            if (exists.ExecuteScalar() is not string key)
            {
                throw new NotFoundException($"There is no meet {id}.");
            }

            var name = key.Length > 0 ? key : $"meet-{id}";
            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}-log.csv\"";
        }

        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT l.id, l.kind, COALESCE(s.connection_id, ''), l.location, l.seq, l.tag, l.at_ms, l.lap, l.reader, l.gator, l.received_ms, l.raw, l.meet_id
            FROM log l LEFT JOIN sources s ON s.id = l.source_id
            WHERE l.id > $after ORDER BY l.id LIMIT 5000
            """;
        var after = command.Parameters.Add("$after", Microsoft.Data.Sqlite.SqliteType.Integer);
        var csv = new StringBuilder("id,kind,source,location,seq,tag,at,at_ms,lap,reader,gator,received_ms,raw\r\n");
        long last = 0;
        while (true)
        {
            after.Value = last;
            var rows = 0;
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows++;
                    last = reader.GetInt64(0);
                    if (reader.GetInt64(12) != id)
                    {
                        // Walked by id, other meets' rows skipped: linear in the log, and no index slows ingest.
                        continue;
                    }

                    var atMs = reader.GetInt64(6);
                    csv.AppendJoin(',', (string[])[
                        Num(last), ((Edge.Store.LogKind)reader.GetInt32(1)).Name(), Text(reader.GetString(2)), Text(reader.GetString(3)), Num(reader.GetInt64(4)),
                        Text(reader.GetString(5)), ResultFormat.Instant(atMs) is { } at ? at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) : "",
                        Num(atMs), Num(reader.GetInt32(7)), Text(reader.GetString(8)), Num(reader.GetInt32(9)), Num(reader.GetInt64(10)), Text(reader.GetString(11))]);
                    csv.Append("\r\n");
                }
            }

            await context.Response.WriteAsync(csv.ToString(), context.RequestAborted);
            csv.Clear();
            if (rows == 0)
            {
                return;
            }
        }
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static Task ResultsCsv(HttpContext context, string id, ResultsService results, PageCache cache)
    {
        id = WebInput.Route(id, "race", WebInput.MaxIdLength);
        var snapshot = results.Current;
        var raceResults = snapshot.Race(id) ?? throw new NotFoundException($"There is no race '{id}'.");
        var page = cache.Get($"csv|{raceResults.Race.Id}", raceResults,
            () => CachedPage.FromText(raceResults, Write(raceResults, snapshot.Meet), "text/csv; charset=utf-8"));
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{raceResults.Race.Id}-results.csv\"";
        return page.WriteAsync(context);
    }

    public static string Write(RaceResults results, Meet.Meet meet)
    {
        var race = results.Race;
        var splits = race.Splits.ToList();
        var zone = meet.Event.TimeZone;
        var rankedBy = ResultFormat.RankedBy(results);
        var other = ResultFormat.Other(rankedBy);
        var csv = new StringBuilder(256 + results.Counts.Total * 160);
        // A byte order mark so spreadsheet programs read the names as UTF-8.
        csv.Append('\uFEFF');
        csv.AppendJoin(',', ((string[])[
            "place", "bib", "first_name", "last_name", "gender", "age", "division", "city", "state", "team", "status",
            TimeColumn(rankedBy), TimeColumn(other), "gender_place", "division_place", "pace_per_km", "pace_per_mile", "start", "finish",
            .. splits.Select(s => Text("split_" + s.Location)), "note"]));
        csv.Append("\r\n");
        foreach (var row in results.All)
        {
            var p = row.Participant;
            var fields = new List<string>(24)
            {
                Number(row.Place), Text(p.Bib), Text(p.FirstName), Text(p.LastName), Text(p.Gender), Number(p.Age), Text(row.Division ?? ""),
                Text(p.City), Text(p.State), Text(p.Team), ResultFormat.Status(row.Status),
                ResultFormat.Time(ResultFormat.RankingTime(row, rankedBy)), ResultFormat.Time(ResultFormat.OtherTime(row, rankedBy)), Number(row.GenderPlace), Number(row.DivisionPlace),
                ResultFormat.Pace(row.PacePerKm), ResultFormat.Pace(row.PacePerMile),
                ResultsApi.StartMs(row) is { } start ? ResultFormat.ClockTime(start, zone) : "",
                row.FinishMs is { } finish ? ResultFormat.ClockTime(finish, zone) : "",
            };
            foreach (var split in splits)
            {
                fields.Add(ResultFormat.Time(row.Splits.FirstOrDefault(s => s.Location == split.Location)?.Elapsed));
            }

            fields.Add(Text(row.Note ?? ""));
            csv.AppendJoin(',', fields).Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>
    /// A text cell, CSV-escaped; one that a spreadsheet would read as a formula (starting with = + - @, or a tab or
    /// carriage return that hides one) gets a leading apostrophe.
    /// </summary>
    public static string Text(string value) =>
        Csv.Escape(value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value);

    private static string TimeColumn(RankBy by) => by == RankBy.Gun ? "gun_time" : "chip_time";

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
