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
    /// <summary>Finish feed rows: one line each, ten fit a 1080-line screen with the title and the column labels.</summary>
    public const int FinishRows = 10;
    public const int LeaderRows = 10;
    public const int DivisionRows = 5;
    public const int DivisionsPerPage = 2;
    /// <summary>Runners coming in on the announcer's screen; below them, always on screen, the last few finishers.</summary>
    public const int AnnouncerRows = 4;
    public const int AnnouncerFinishedRows = 3;

    /// <summary>Runners on one page of the on-course list; more pages cycle like the leaderboard's.</summary>
    public const int OnCourseRows = 10;

    public static IEndpointRouteBuilder MapDisplays(this IEndpointRouteBuilder app)
    {
        app.MapGet("/d/{id}", Display);
        return app;
    }

    private static Task Display(HttpContext context, string id, ResultsService results, PageCache cache, IOptions<WebOptions> options, TimeProvider time)
    {
        var cycle = options.Value.DisplayCycle;
        id = WebInput.Route(id, "display", WebInput.MaxIdLength);
        var snapshot = results.Current;
        var display = snapshot.Meet.Displays.FirstOrDefault(d => d.Id == id) ?? throw new NotFoundException("There is no display with that address.");
        var number = WebInput.Number(context.Request, "page", 1, 1000);
        var fragment = WebInput.Flag(context.Request, "fragment");
        var race = WebInput.Text(context.Request, "race", WebInput.MaxIdLength);
        var shown = new Shown(display, race, cycle);
        // The announcer's clock is the box's time when the page is made: its pages are not kept.
        var page = display.Kind == DisplayKind.Announcer
            ? Render(snapshot, shown, number, fragment, time.GetUtcNow())
            : cache.Get($"display|{id}|{race}|{number}|{fragment}", snapshot, () => Render(snapshot, shown, number, fragment, time.GetUtcNow()));
        return page.WriteAsync(context);
    }

    /// <summary>A display as one request asks for it: the display, the race its <c>?race=</c> narrows it to, the page cycle.</summary>
    private sealed record Shown(DisplaySettings Display, string? RaceFilter, TimeSpan Cycle);

    private static CachedPage Render(ResultsSnapshot snapshot, Shown shown, int number, bool fragment, DateTimeOffset now)
    {
        var display = shown.Display;
        var races = (display.RaceId is { } raceId ? [snapshot.Race(raceId)] : snapshot.Meet.Races.Select(r => snapshot.Race(r.Id)))
            .OfType<RaceResults>().ToList();
        if (shown.RaceFilter is { } filter)
        {
            races = races.Where(r => string.Equals(r.Race.Id, filter, StringComparison.OrdinalIgnoreCase)).ToList();
            if (races.Count == 0)
            {
                throw new NotFoundException("This display shows no race with that id.");
            }
        }

        var live = new Html(8192);
        var pages = 0;
        switch (display.Kind)
        {
            case DisplayKind.Finish:
                FinishFeed(live, snapshot, display, races);
                break;
            case DisplayKind.Leaderboard:
                pages = Leaderboard(live, display, races, ref number);
                break;
            case DisplayKind.OnCourse:
                pages = OnCourse(live, snapshot, display, races, shown.RaceFilter is null ? null : races[0].Race, ref number);
                break;
            default:
                AnnouncerBoard(live, snapshot, display, races, now);
                break;
        }

        if (fragment)
        {
            return CachedPage.FromHtml(snapshot, live, pages);
        }

        var html = new Html(live.Length + 8192);
        var query = WebInput.Query(("race", shown.RaceFilter));
        var self = $"/d/{Uri.EscapeDataString(display.Id)}{query}";
        var seconds = Math.Max(1, (int)Math.Ceiling(shown.Cycle.TotalSeconds));
        var refresh = pages > 1 || display.Kind == DisplayKind.Leaderboard
            ? $"{seconds};url={self}{(query.Length == 0 ? '?' : '&')}page={number % Math.Max(1, pages) + 1}"
            : "10";
        html.Add($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        html.Add($"<title>{display.Title}</title><noscript><meta http-equiv=\"refresh\" content=\"{refresh}\"></noscript><style>{new Markup(Layout.DisplayStyle)}</style></head><body>");
        var eventsRace = races.Count == 1 && (display.RaceId is not null || shown.RaceFilter is not null) ? races[0].Race.Id : null;
        var events = eventsRace is { } id ? $"/events?race={Uri.EscapeDataString(id)}&v={snapshot.Version}" : $"/events?v={snapshot.Version}";
        var cycling = pages > 0
            ? string.Create(CultureInfo.InvariantCulture, $" data-cycle=\"{shown.Cycle.TotalSeconds:0.###}\" data-page=\"{number}\" data-pages=\"{pages}\"")
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

        html.Raw("<table class=\"huge\"><thead><tr><th class=\"w10\">Bib</th><th>Runner</th><th class=\"w16 r\">Place</th><th class=\"w24 r\">Time</th><th class=\"w16 r\"></th></tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Add($"<tr><td class=\"r\">{row.Bib}</td><td>{row.Name} <span class=\"s\">{RaceName(snapshot, row)}{DivisionPlace(row)}</span></td><td class=\"r\">{PhonePages.Ordinal(row.Place)}</td>");
            Times(html, snapshot.Meet.FindRace(row.RaceId), row);
            html.Raw("</tr>");
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
            var race = results.Race;
            pages.Add(h => Board(h, $"{race.Name} · overall", race, results.Finishers.Take(LeaderRows), r => r.Place));
            foreach (var gender in view.Genders)
            {
                var finishers = view.ByGender[gender].Finishers;
                if (finishers.Count > 0)
                {
                    pages.Add(h => Board(h, $"{race.Name} · {PhonePages.GenderName(gender)}", race, finishers.Take(LeaderRows), r => r.GenderPlace));
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
                        Board(h, $"{race.Name} · {division}", race, view.ByDivision[division].Finishers.Take(DivisionRows), r => r.DivisionPlace);
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

    private static void Board(Html html, string title, Race race, IEnumerable<ResultRow> rows, Func<ResultRow, int?> place)
    {
        html.Add($"<h2>{title}</h2>");
        var any = false;
        foreach (var row in rows)
        {
            if (!any)
            {
                html.Raw("<table class=\"board\"><tbody>");
                any = true;
            }

            html.Add($"<tr><td class=\"r w7\">{place(row)}</td><td>{row.Name} <span class=\"s\">#{row.Bib} {row.Participant.Hometown}</span></td>");
            Times(html, race, row);
            html.Raw("</tr>");
        }

        html.Raw(any ? "</tbody></table>" : "<p class=\"none\">No finishers yet.</p>");
    }

    /// <summary>
    /// The list a sweep works from: everyone started and not finished, where and when each was last seen and when
    /// they are due at the finish, soonest first (runners seen only at the start after, longest unseen first).
    /// </summary>
    private static int OnCourse(Html html, ResultsSnapshot snapshot, DisplaySettings display, List<RaceResults> races, Race? filtered, ref int number)
    {
        html.Add($"<h1>On course{(filtered is null ? "" : " · " + filtered.Name)}");
        if (display.Title != "On course" && filtered is null)
        {
            html.Add($" <span class=\"s\">{display.Title}</span>");
        }

        html.Raw("</h1><p class=\"sum\">");
        var first = true;
        foreach (var results in races)
        {
            var c = results.Counts;
            html.Add($"{(first ? "" : " · ")}<b>{results.Race.Name}</b> <span class=\"count\">{c.StillOut:N0}</span> on course, {c.Finished:N0} finished, {c.Dnf:N0} DNF, {c.Total - c.Registered:N0} started");
            first = false;
        }

        html.Raw("</p>");
        var still = races
            .SelectMany(r => r.Others.Where(o => o.Status is ParticipantStatus.Started or ParticipantStatus.OnCourse).Select(o => (Race: r.Race, Row: o, Due: Announcer.Projected(r.Race, o))))
            .OrderBy(s => s.Due is null)
            .ThenBy(s => s.Due?.ExpectedFinishMs ?? s.Row.LastSeenMs ?? long.MaxValue)
            .ThenBy(s => s.Row.Bib, ResultsEngine.BibOrder)
            .ToList();
        if (still.Count == 0)
        {
            html.Raw("<p class=\"none\">Nobody is out on the course.</p>");
            return 1;
        }

        var pages = (still.Count + OnCourseRows - 1) / OnCourseRows;
        number = (number - 1) % pages + 1;
        html.Raw("<table class=\"out\"><thead><tr><th class=\"w10\">Bib</th><th>Runner</th><th class=\"w24\">Last seen</th><th class=\"w20 r\">Expected finish</th></tr></thead><tbody>");
        foreach (var (race, row, due) in still.Skip((number - 1) * OnCourseRows).Take(OnCourseRows))
        {
            html.Add($"<tr><td class=\"r\">{row.Bib}</td><td>{row.Name}{(races.Count > 1 ? " " : "")}<span class=\"s\">{(races.Count > 1 ? race.Name : "")}</span></td>");
            html.Add($"<td>{PointName(race, row.LastLocation)} <span class=\"s\">{(row.LastSeenMs is { } seen ? PhonePages.Clock(seen, snapshot.Meet) : "")}</span></td>");
            html.Add($"<td class=\"r\">{(due is null ? "–" : "~" + PhonePages.Clock(due.ExpectedFinishMs, snapshot.Meet))}</td></tr>");
        }

        html.Raw("</tbody></table>");
        html.Add($"<p class=\"lbl\">{number} / {pages} · {still.Count:N0} on course</p>");
        return pages;
    }

    private static void AnnouncerBoard(Html html, ResultsSnapshot snapshot, DisplaySettings display, List<RaceResults> races, DateTimeOffset now)
    {
        var meet = snapshot.Meet;
        var nowMs = now.ToUnixTimeMilliseconds();
        var offsetMs = (long)meet.Event.TimeZone.GetUtcOffset(now).TotalMilliseconds;
        html.Add($"<div class=\"top\"><h1>{display.Title}</h1><div class=\"clock\"><span class=\"k\">Time</span><span id=\"clock\" data-at=\"{nowMs.ToString(CultureInfo.InvariantCulture)}\" data-offset=\"{offsetMs.ToString(CultureInfo.InvariantCulture)}\">{PhonePages.Clock(nowMs, meet)}</span></div></div>");
        html.Raw("<section><h2>Coming in</h2>");
        var coming = races.SelectMany(r => Announcer.Approaching(r, AnnouncerRows)).OrderBy(a => a.ExpectedFinishMs).Take(AnnouncerRows).ToList();
        if (coming.Count == 0)
        {
            html.Add($"<p class=\"none\">{(races.Any(r => Announcer.LastSplit(r.Race) is not null) ? "Nobody between the last split and the finish." : "This race has no split before the finish.")}</p>");
        }
        else
        {
            html.Raw("<table class=\"ann\"><tbody>");
            foreach (var a in coming)
            {
                var row = a.Row;
                var race = meet.FindRace(row.RaceId);
                html.Add($"<tr><td class=\"r w9\">{row.Bib}<span class=\"k\">Bib</span></td><td>{row.Name}<span class=\"l2\">{About(row)}{Note(row)}</span></td>");
                html.Add($"<td class=\"r w20\">{(race is null ? row.LastLocation : PointName(race, row.LastLocation))} {(row.LastSeenMs is { } seen ? PhonePages.Clock(seen, meet) : "")}<span class=\"k\">Last seen</span></td>");
                html.Add($"<td class=\"r w17\">~{PhonePages.Clock(a.ExpectedFinishMs, meet)}<span class=\"k\">Due</span></td>");
                html.Add($"<td class=\"r w14\">{ResultFormat.Time(a.ExpectedTime, hundredths: false)}<span class=\"k\">Est. chip</span></td></tr>");
            }

            html.Raw("</tbody></table>");
        }

        html.Raw("</section><section><h2>Just finished</h2>");
        var finished = Announcer.Finished(snapshot, races, AnnouncerFinishedRows);
        if (finished.Count == 0)
        {
            html.Raw("<p class=\"none\">Nobody has finished yet.</p></section>");
            return;
        }

        html.Raw("<table class=\"ann\"><tbody>");
        foreach (var row in finished)
        {
            var race = meet.FindRace(row.RaceId);
            html.Add($"<tr><td class=\"r w9\">{row.Bib}<span class=\"k\">Bib</span></td><td>{row.Name}<span class=\"l2\">{About(row)}{Note(row)}</span></td>");
            html.Add($"<td class=\"r w24\">{PhonePages.Ordinal(row.Place)}<span class=\"k\">Place{(races.Count > 1 ? " " + RaceName(snapshot, row) : "")}{DivisionPlace(row)}</span></td>");
            html.Add($"<td class=\"r w14\">{ResultFormat.Time(First(race, row), hundredths: false)}{TimeLabel(race, first: true)}</td>");
            html.Add($"<td class=\"r w14\">{ResultFormat.Time(Second(race, row), hundredths: false)}{TimeLabel(race, first: false)}</td></tr>");
        }

        html.Raw("</tbody></table></section>");
    }

    /// <summary>The ranking time (the race's <see cref="RankBy"/>) labelled, then the other time, smaller and labelled.</summary>
    private static void Times(Html html, Race? race, ResultRow row) =>
        html.Add($"<td class=\"r w24\">{TimeLabel(race, first: true)}{ResultFormat.Time(First(race, row))}</td><td class=\"r o w16\">{TimeLabel(race, first: false)}{ResultFormat.Time(Second(race, row))}</td>");

    private static bool ByChip(Race? race) => race?.RankBy == RankBy.Chip;

    private static TimeSpan? First(Race? race, ResultRow row) => ByChip(race) ? row.ChipTime : row.GunTime;

    private static TimeSpan? Second(Race? race, ResultRow row) => ByChip(race) ? row.GunTime : row.ChipTime;

    private static Markup TimeLabel(Race? race, bool first) =>
        new(ByChip(race) == first ? "<span class=\"k\">Chip</span>" : "<span class=\"k\">Gun</span>");

    /// <summary>Hometown and age group: "Boise, ID · M 30-39".</summary>
    private static string About(ResultRow row) =>
        string.Join(" · ", new[] { row.Participant.Hometown, row.Division ?? "" }.Where(s => s.Length > 0));

    /// <summary>The roster's note for the announcer (a birthday, a first race), after hometown and age group.</summary>
    private static Markup Note(ResultRow row) =>
        new(row.Participant.Note.Length > 0 ? $"<span class=\"s note\"> · {Html.Encode(row.Participant.Note)}</span>" : "");

    /// <summary>A timing point as a sweep calls it: Start, Finish, or the split's name ("5k").</summary>
    private static string PointName(Race race, string? location) =>
        location is null ? "" : race.TimingPoints.FirstOrDefault(p => p.Location == location)?.Role switch
        {
            TimingRole.Start => "Start",
            TimingRole.Finish => "Finish",
            _ => PhonePages.PointName(race, location),
        };

    private static string RaceName(ResultsSnapshot snapshot, ResultRow row) => snapshot.Meet.FindRace(row.RaceId)?.Name ?? row.RaceId;

    private static string DivisionPlace(ResultRow row) =>
        row.Division is { } d && row.DivisionPlace is { } p ? string.Create(CultureInfo.InvariantCulture, $" · {PhonePages.Ordinal(p)} {d}") : "";
}
