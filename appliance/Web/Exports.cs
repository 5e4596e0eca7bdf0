using System.Globalization;
using System.Text;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;

namespace Edge.Appliance.Web;

/// <summary>
/// <c>/races/{id}/results.csv</c>: a race's results for spreadsheets and scoring software, finishers in place order
/// then everyone else. Roster text is neutralised so a spreadsheet never runs it as a formula.
/// </summary>
public static class Exports
{
    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/races/{id}/results.csv", ResultsCsv);
        return app;
    }

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
        var csv = new StringBuilder(256 + results.Counts.Total * 160);
        // A byte order mark so spreadsheet programs read the names as UTF-8.
        csv.Append('\uFEFF');
        csv.AppendJoin(',', ((string[])[
            "place", "bib", "first_name", "last_name", "gender", "age", "division", "city", "state", "team", "status",
            "chip_time", "gun_time", "gender_place", "division_place", "pace_per_km", "pace_per_mile", "start", "finish",
            .. splits.Select(s => Text("split_" + s.Location)), "note"]));
        csv.Append("\r\n");
        foreach (var row in results.All)
        {
            var p = row.Participant;
            var fields = new List<string>(24)
            {
                Number(row.Place), Text(p.Bib), Text(p.FirstName), Text(p.LastName), Text(p.Gender), Number(p.Age), Text(row.Division ?? ""),
                Text(p.City), Text(p.State), Text(p.Team), ResultFormat.Status(row.Status),
                ResultFormat.Time(row.ChipTime), ResultFormat.Time(row.GunTime), Number(row.GenderPlace), Number(row.DivisionPlace),
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

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
