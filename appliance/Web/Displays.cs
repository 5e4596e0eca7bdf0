using System.Globalization;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Web;

/// <summary>
/// The finish-area screens at <c>/d/{id}</c> (ids from the meet's <c>displays</c>): full screen, white on black
/// in big type for sunlight. They update live and reconnect by themselves after a network blip; with JavaScript
/// off they reload every few seconds instead.
/// </summary>
public static class Displays
{
    public const int FinishRows = 8;
    public const int LeaderRows = 10;
    public const int DivisionRows = 5;
    public const int DivisionsPerPage = 3;
    public const int AnnouncerRows = 6;

    public static IEndpointRouteBuilder MapDisplays(this IEndpointRouteBuilder app)
    {
        app.MapGet("/d/{id}", Display);
        return app;
    }

    private static Task Display(HttpContext context, string id, ResultsService results, PageCache cache, IOptions<WebOptions> options)
    {
        var cycle = options.Value.DisplayCycle;
        id = WebInput.Route(id, "display", WebInput.MaxIdLength);
        var snapshot = results.Current;
        var display = snapshot.Meet.Displays.FirstOrDefault(d => d.Id == id) ?? throw new NotFoundException("There is no display with that address.");
        var number = WebInput.Number(context.Request, "page", 1, 1000);
        var fragment = WebInput.Flag(context.Request, "fragment");
        var page = cache.Get($"display|{id}|{number}|{fragment}", snapshot, () => Render(snapshot, display, number, fragment, cycle));
        return page.WriteAsync(context);
    }

    private static CachedPage Render(ResultsSnapshot snapshot, DisplaySettings display, int number, bool fragment, TimeSpan cycle)
    {
        var races = (display.RaceId is { } raceId ? [snapshot.Race(raceId)] : snapshot.Meet.Races.Select(r => snapshot.Race(r.Id)))
            .OfType<RaceResults>().ToList();
        var html = new Html(8192);
        var pages = 0;
        var self = $"/d/{Uri.EscapeDataString(display.Id)}";
        if (!fragment)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(cycle.TotalSeconds));
            var refresh = display.Kind == DisplayKind.Leaderboard ? $"{seconds};url={self}?page={number + 1}" : "10";
            html.Add($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
            html.Add($"<title>{display.Title}</title><noscript><meta http-equiv=\"refresh\" content=\"{refresh}\"></noscript><style>{new Markup(Layout.DisplayStyle)}</style></head><body>");
        }

        var live = new Html(8192);
        switch (display.Kind)
        {
            case DisplayKind.Finish:
                FinishFeed(live, snapshot, display, races);
                break;
            case DisplayKind.Leaderboard:
                pages = Leaderboard(live, display, races, ref number);
                break;
            case DisplayKind.OnCourse:
                OnCourse(live, display, races);
                break;
            default:
                AnnouncerBoard(live, snapshot, display, races);
                break;
        }

        if (fragment)
        {
            return CachedPage.FromHtml(snapshot, live, pages);
        }

        var events = display.RaceId is { } id ? $"/events?race={Uri.EscapeDataString(id)}&v={snapshot.Version}" : $"/events?v={snapshot.Version}";
        var cycling = pages > 0
            ? string.Create(CultureInfo.InvariantCulture, $" data-cycle=\"{cycle.TotalSeconds:0.###}\" data-page=\"{number}\" data-pages=\"{pages}\"")
            : "";
        html.Add($"<div id=\"live\" data-src=\"{self}\" data-events=\"{events}\" data-poll=\"1\"{new Markup(cycling)}>");
        html.Raw(live.ToString());
        html.Add($"</div><script>{new Markup(Layout.LiveScript)}</script></body></html>");
        return CachedPage.FromHtml(snapshot, html, pages);
    }

    private static void FinishFeed(Html html, ResultsSnapshot snapshot, DisplaySettings display, List<RaceResults> races)
    {
        html.Add($"<h1>{display.Title}</h1>");
        var rows = Announcer.Finished(snapshot, races, FinishRows);
        if (rows.Count == 0)
        {
            html.Raw("<p class=\"none\">Waiting for the first finisher…</p>");
            return;
        }

        html.Raw("<table class=\"huge\"><tbody>");
        foreach (var row in rows)
        {
            html.Add($"<tr><td class=\"r\">{row.Bib}</td><td>{row.Name}<br><span class=\"s\">{RaceName(snapshot, row)} · {PhonePages.Ordinal(row.Place)}{DivisionPlace(row)}</span></td>");
            html.Add($"<td class=\"r\">{ResultFormat.Time(row.ChipTime)}</td></tr>");
        }

        html.Raw("</tbody></table>");
    }

    /// <summary>Renders one page of the cycle and returns how many pages there are (the page number wraps around).</summary>
    private static int Leaderboard(Html html, DisplaySettings display, List<RaceResults> races, ref int number)
    {
        var pages = new List<Action<Html>>();
        foreach (var results in races)
        {
            var view = RaceView.Of(results);
            var race = results.Race.Name;
            pages.Add(h => Board(h, $"{race} · overall", results.Finishers.Take(LeaderRows), r => r.Place));
            foreach (var gender in view.Genders)
            {
                var finishers = view.ByGender[gender].Finishers;
                if (finishers.Count > 0)
                {
                    pages.Add(h => Board(h, $"{race} · {PhonePages.GenderName(gender)}", finishers.Take(LeaderRows), r => r.GenderPlace));
                }
            }

            var divisions = view.Divisions.Where(d => view.ByDivision[d].Finishers.Count > 0).ToList();
            for (var i = 0; i < divisions.Count; i += DivisionsPerPage)
            {
                var group = divisions.Skip(i).Take(DivisionsPerPage).ToList();
                pages.Add(h =>
                {
                    foreach (var division in group)
                    {
                        Board(h, $"{race} · {division}", view.ByDivision[division].Finishers.Take(DivisionRows), r => r.DivisionPlace);
                    }
                });
            }
        }

        html.Add($"<h1>{display.Title}</h1>");
        if (pages.Count == 0)
        {
            html.Raw("<p class=\"none\">No races.</p>");
            return 1;
        }

        number = (number - 1) % pages.Count + 1;
        pages[number - 1](html);
        html.Add($"<p class=\"lbl\">{number} / {pages.Count}</p>");
        return pages.Count;
    }

    private static void Board(Html html, string title, IEnumerable<ResultRow> rows, Func<ResultRow, int?> place)
    {
        html.Add($"<h2>{title}</h2>");
        var any = false;
        foreach (var row in rows)
        {
            if (!any)
            {
                html.Raw("<table><tbody>");
                any = true;
            }

            html.Add($"<tr><td class=\"r\">{place(row)}</td><td>{row.Name} <span class=\"s\">#{row.Bib} {row.Participant.Hometown}</span></td><td class=\"r\">{ResultFormat.Time(row.ChipTime)}</td></tr>");
        }

        html.Raw(any ? "</tbody></table>" : "<p class=\"none\">No finishers yet.</p>");
    }

    private static void OnCourse(Html html, DisplaySettings display, List<RaceResults> races)
    {
        html.Add($"<h1>{display.Title}</h1><div class=\"grid\">");
        foreach (var results in races)
        {
            var c = results.Counts;
            html.Add($"<div><h2>{results.Race.Name}</h2><div class=\"count\">{c.StillOut:N0}</div><div class=\"lbl\">still on course</div>");
            html.Add($"<p>{c.Finished:N0} finished · {c.Dnf:N0} DNF · {c.Total - c.Registered:N0} started</p></div>");
        }

        html.Raw("</div>");
    }

    private static void AnnouncerBoard(Html html, ResultsSnapshot snapshot, DisplaySettings display, List<RaceResults> races)
    {
        var meet = snapshot.Meet;
        html.Add($"<h1>{display.Title}</h1><h2>Coming in</h2>");
        var coming = races.SelectMany(r => Announcer.Approaching(r, AnnouncerRows)).OrderBy(a => a.ExpectedFinishMs).Take(AnnouncerRows).ToList();
        if (coming.Count == 0)
        {
            html.Add($"<p class=\"none\">{(races.Any(r => Announcer.LastSplit(r.Race) is not null) ? "Nobody between the last split and the finish." : "This race has no split before the finish.")}</p>");
        }
        else
        {
            html.Raw("<table><tbody>");
            foreach (var a in coming)
            {
                var row = a.Row;
                html.Add($"<tr><td class=\"r\">{row.Bib}</td><td>{row.Name} <span class=\"s\">{row.Participant.Hometown} · {row.Division}</span></td>");
                html.Add($"<td class=\"r\">~{PhonePages.Clock(a.ExpectedFinishMs, meet)}<br><span class=\"s\">{ResultFormat.Time(a.ExpectedTime, hundredths: false)}</span></td></tr>");
            }

            html.Raw("</tbody></table>");
        }

        html.Raw("<h2>Just finished</h2>");
        var finished = Announcer.Finished(snapshot, races, AnnouncerRows);
        if (finished.Count == 0)
        {
            html.Raw("<p class=\"none\">Nobody has finished yet.</p>");
            return;
        }

        html.Raw("<table><tbody>");
        foreach (var row in finished)
        {
            html.Add($"<tr><td class=\"r\">{row.Bib}</td><td>{row.Name} <span class=\"s\">{row.Participant.Hometown}</span><br><span class=\"s\">{RaceName(snapshot, row)}{DivisionPlace(row)}</span></td>");
            html.Add($"<td class=\"r\">{ResultFormat.Time(row.ChipTime)}</td></tr>");
        }

        html.Raw("</tbody></table>");
    }

    private static string RaceName(ResultsSnapshot snapshot, ResultRow row) => snapshot.Meet.FindRace(row.RaceId)?.Name ?? row.RaceId;

    private static string DivisionPlace(ResultRow row) =>
        row.Division is { } d && row.DivisionPlace is { } p ? string.Create(CultureInfo.InvariantCulture, $" · {PhonePages.Ordinal(p)} {d}") : "";
}
