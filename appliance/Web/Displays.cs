using System.Globalization;
using Edge.Appliance.Meet;
using Edge.Appliance.Orienteering;
using Edge.Appliance.Results;
using Edge.Appliance.Screens;
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

    /// <summary>Message slides up to this many characters use the largest type, up to the next a middle size.</summary>
    private const int ShortMessage = 200;
    private const int MediumMessage = 350;

    /// <summary>Runners on one page of the on-course list; more pages cycle like the leaderboard's.</summary>
    public const int OnCourseRows = 10;

    public static IEndpointRouteBuilder MapDisplays(this IEndpointRouteBuilder app)
    {
        app.MapGet("/d/{id}", Display);
        app.MapGet("/d/{id}/style.css", Style);
        app.MapGet("/d/{id}/events", (HttpContext context, string id, ScreenStreams streams) => streams.StreamAsync(context, id));
        return app;
    }

    private static Task Display(
        HttpContext context, string id, ResultsService results, OrienteeringResults orienteering, ScreenDesigns designs, PageCache cache, IOptions<WebOptions> options, TimeProvider time)
    {
        id = WebInput.Route(id, "display", WebInput.MaxIdLength);
        var snapshot = new ScreenSources(results.Current, orienteering.Current);
        var set = designs.Current;
        var (display, template) = set.Find(id) ?? throw new NotFoundException("There is no display with that address.");
        var number = WebInput.Number(context.Request, "page", 1, 1000);
        var fragment = WebInput.Flag(context.Request, "fragment");
        var race = WebInput.Text(context.Request, "race", WebInput.MaxIdLength);
        // meet.json's displays keep the box-wide cycle; a template says its own.
        var cycle = template.BuiltIn ? options.Value.DisplayCycle : TimeSpan.FromSeconds(template.SecondsPerPage);
        var shown = new Shown(display, template, set, race, cycle) { Pinned = context.Request.Query.ContainsKey("page") };
        context.Response.Headers["X-Style"] = StyleUrl(display.Id, template);
        // The announcer's clock is the box's time when the page is made: its pages are not kept.
        var now = time.GetUtcNow();
        // The box's time for the announcer's clock, fresh on every answer (a 304 too) while the fragment is shared.
        context.Response.Headers["X-Now"] = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        // A fragment depends on the template, not the display: every screen showing one template shares its render.
        // A whole announcer page carries its clock's time in the markup, so it is made for each request.
        var page = fragment
            ? Fragment(snapshot, set, display, template, race, number, cycle, now, cache)
            : template.Layout is ScreenLayout.Announcer or ScreenLayout.Radio or ScreenLayout.Split
                ? Render(snapshot, shown, number, fragment, now)
                : cache.Get($"display|{id}|{set.Version}|{race}|{number}{snapshot.KeyOf(template, set)}", snapshot.DependencyOf(template, set), () => Render(snapshot, shown, number, fragment, now));
        return page.WriteAsync(context);
    }

    /// <summary>
    /// The main region of a screen, as its stream sends it: it depends on the template, not the display, so every
    /// screen showing one template shares one render per results snapshot.
    /// </summary>
    public static CachedPage Fragment(
        ScreenSources snapshot, ScreenSet set, ScreenDisplay display, DisplayTemplate template, string? race, int number, TimeSpan cycle, DateTimeOffset now, PageCache cache) =>
        cache.Get($"display-fragment|{template.Id}|{set.Version}|{race}|{number}{snapshot.KeyOf(template, set)}", snapshot.DependencyOf(template, set),
            () => Render(snapshot, new Shown(display, template, set, race, cycle), number, fragment: true, now));

    /// <summary>
    /// <c>/d/{id}/style.css</c>: the template's colours and text size. Served from the box rather than inline, because
    /// the policy allows inline styles only by hash of the box's constants.
    /// </summary>
    private static IResult Style(HttpContext context, string id, ScreenDesigns designs)
    {
        id = WebInput.Route(id, "display", WebInput.MaxIdLength);
        var (_, template) = designs.Current.Find(id) ?? throw new NotFoundException("There is no display with that address.");
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Text(StyleSheet(template), "text/css; charset=utf-8");
    }

    /// <summary>The stylesheet's text: only <c>#rrggbb</c> colours and a bounded number reach it (<see cref="ScreenJson"/>).</summary>
    public static string StyleSheet(DisplayTemplate template)
    {
        var c = template.Colours;
        var css = $"html,body{{background:{c.Background};color:{c.Foreground}}}h2,.note,.count{{color:{c.Accent}}}";
        var size = TextSize(template);
        return size == DisplayTemplate.DefaultTextSize
            ? css
            // The display style's unit scaled (not CSS zoom, under which a browser measures text inconsistently).
            : css + string.Create(CultureInfo.InvariantCulture, $"#live{{--u:calc(min(1vh,.5625vw)*{size / 100.0:0.###});font-size:calc(4.6*var(--u))}}");
    }

    /// <summary>
    /// The text size a screen uses: the template's, as far as its rows still fit. The standard type fits
    /// <see cref="DisplayTemplate.DefaultRows"/> rows, so more rows per page make the type smaller and a larger type
    /// is only had with fewer rows; the announcer's board fills the screen at the standard size already.
    /// </summary>
    public static int TextSize(DisplayTemplate template) => template.Layout switch
    {
        ScreenLayout.Finish or ScreenLayout.Leaderboard or ScreenLayout.Slideshow or ScreenLayout.OnCourse or ScreenLayout.Orienteering =>
            Math.Min(template.TextSize, DisplayTemplate.DefaultTextSize * DisplayTemplate.DefaultRows / Math.Max(1, template.RowsPerPage)),
        ScreenLayout.Announcer or ScreenLayout.Radio or ScreenLayout.Split => Math.Min(template.TextSize, DisplayTemplate.DefaultTextSize),
        // A message's type already shrinks as it grows (Body): a larger size is for a few words.
        _ => Math.Min(template.TextSize, template.Message.Length <= 60 ? 250 : template.Message.Length <= 120 ? 150 : DisplayTemplate.DefaultTextSize),
    };

    /// <summary>The stylesheet's address, named by its content, so a screen fetches it again only when it changed.</summary>
    public static string StyleUrl(string id, DisplayTemplate template) =>
        $"/d/{Uri.EscapeDataString(id)}/style.css?v={Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(StyleSheet(template))).AsSpan(0, 6))}";

    /// <summary>A display as one request asks for it: the display and its template, the race its <c>?race=</c> narrows it to, the page cycle.</summary>
    private sealed record Shown(ScreenDisplay Display, DisplayTemplate Template, ScreenSet Designs, string? RaceFilter, TimeSpan Cycle)
    {
        /// <summary>Asked for with <c>?page=</c>: the screen's stream stays on that page (a wall of screens, one page each).</summary>
        public bool Pinned { get; init; }
    }

    private static CachedPage Render(ScreenSources sources, Shown shown, int number, bool fragment, DateTimeOffset now)
    {
        var snapshot = sources.Results;
        var template = shown.Template;
        var live = new Html(8192);
        if (template.Logo is { } logo)
        {
            live.Add($"<img class=\"logo\" src=\"/media/{logo}.png\" alt=\"\">");
        }

        var pages = template.Layout == ScreenLayout.Split
            ? Split(live, sources, shown, ref number, now, stamp: !fragment)
            : Body(live, sources, template, template.Name, shown.RaceFilter, ref number, now, stamp: !fragment);
        if (template.Sponsor is { } sponsor)
        {
            live.Add($"<img class=\"sponsor\" src=\"/media/{sponsor}.png\" alt=\"\">");
        }

        var dependency = sources.DependencyOf(template, shown.Designs);
        if (fragment)
        {
            return CachedPage.FromHtml(dependency, live, pages);
        }

        var display = shown.Display;
        var html = new Html(live.Length + 8192);
        var query = WebInput.Query(("race", shown.RaceFilter));
        var self = $"/d/{Uri.EscapeDataString(display.Id)}{query}";
        var seconds = Math.Max(1, (int)Math.Ceiling(shown.Cycle.TotalSeconds));
        var refresh = pages > 1 || template.Layout is ScreenLayout.Leaderboard or ScreenLayout.Slideshow or ScreenLayout.Orienteering
            ? $"{seconds};url={self}{(query.Length == 0 ? '?' : '&')}page={number % Math.Max(1, pages) + 1}"
            : "10";
        html.Add($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        html.Add($"<title>{display.Name}</title><noscript><meta http-equiv=\"refresh\" content=\"{refresh}\"></noscript><style>{new Markup(Layout.DisplayStyle)}</style>");
        html.Add($"<link id=\"style\" rel=\"stylesheet\" href=\"{StyleUrl(display.Id, template)}\"></head><body>");
        // The screen's own stream sends each new fragment (ScreenStreams), its pages turning on the box's schedule.
        var events = $"/d/{Uri.EscapeDataString(display.Id)}/events{WebInput.Query(("race", shown.RaceFilter), ("page", shown.Pinned ? number.ToString(CultureInfo.InvariantCulture) : null))}";
        var paging = pages > 0 ? string.Create(CultureInfo.InvariantCulture, $" data-page=\"{number}\" data-pages=\"{pages}\"") : "";
        html.Add($"<div id=\"live\" data-events=\"{events}\"{new Markup(paging)}>");
        html.Raw(live.ToString());
        html.Add($"</div><p id=\"off\" hidden>Offline</p><script>{new Markup(Layout.ScreenScript)}</script></body></html>");
        return CachedPage.FromHtml(dependency, html, pages);
    }

    private static List<RaceResults> Races(ResultsSnapshot snapshot, DisplayTemplate template, string? filter)
    {
        var races = (template.Races.Count > 0 ? template.Races.Select(snapshot.Race) : snapshot.Meet.Races.Select(r => snapshot.Race(r.Id)))
            .OfType<RaceResults>().ToList();
        if (filter is not null)
        {
            races = races.Where(r => string.Equals(r.Race.Id, filter, StringComparison.OrdinalIgnoreCase)).ToList();
            if (races.Count == 0)
            {
                throw new NotFoundException("This display shows no race with that id.");
            }
        }

        return races;
    }

    /// <summary>Renders one layout's main region and returns how many pages it cycles through (0: it does not cycle).</summary>
    private static int Body(Html live, ScreenSources sources, DisplayTemplate template, string title, string? filter, ref int number, DateTimeOffset now, bool stamp)
    {
        var snapshot = sources.Results;
        switch (template.Layout)
        {
            case ScreenLayout.Orienteering:
                return OrienteeringDisplays.Classes(live, sources.Orienteering, template, title, filter, ref number);
            case ScreenLayout.Radio:
                ClockHeading(live, snapshot.Meet, title, now, stamp);
                OrienteeringDisplays.Radio(live, sources.Orienteering, template, filter);
                return 0;
        }

        var races = Races(snapshot, template, filter);
        switch (template.Layout)
        {
            case ScreenLayout.Finish:
                FinishFeed(live, snapshot, template, title, races);
                return 0;
            case ScreenLayout.Leaderboard:
            case ScreenLayout.Slideshow:
                return Leaderboard(live, snapshot, template, title, races, ref number);
            case ScreenLayout.OnCourse:
                return OnCourse(live, snapshot, template, title, races, filter is null ? null : races[0].Race, ref number);
            case ScreenLayout.Message:
                // The longer the message, the smaller its type: the longest a template holds still fits the screen.
                var length = template.Message.Length;
                live.Add($"<h1>{title}</h1><p class=\"msg{(length <= ShortMessage ? "" : length <= MediumMessage ? " m2" : " m3")}\">{template.Message}</p>");
                return 0;
            case ScreenLayout.Announcer:
                AnnouncerBoard(live, snapshot, title, races, now, stamp);
                return 0;
            default:
                live.Raw("<p class=\"none\">A split screen shows two other templates.</p>");
                return 0;
        }
    }

    /// <summary>Two templates side by side, each in half the width; they page together.</summary>
    private static int Split(Html live, ScreenSources sources, Shown shown, ref int number, DateTimeOffset now, bool stamp)
    {
        var pages = 0;
        live.Raw("<div class=\"split\">");
        foreach (var part in shown.Template.Parts)
        {
            live.Raw("<div class=\"half\">");
            if (shown.Designs.Templates.TryGetValue(part, out var inner) && inner.Layout != ScreenLayout.Split)
            {
                var n = number;
                pages = Math.Max(pages, Body(live, sources, inner, inner.Name, shown.RaceFilter, ref n, now, stamp));
            }
            else
            {
                live.Raw("<p class=\"none\">This half's template is gone.</p>");
            }

            live.Raw("</div>");
        }

        live.Raw("</div>");
        number = pages > 0 ? (number - 1) % pages + 1 : number;
        return pages;
    }

    private static void FinishFeed(Html html, ResultsSnapshot snapshot, DisplayTemplate template, string title, List<RaceResults> races)
    {
        html.Add($"<h1>{title}</h1>");
        var rows = Announcer.Finished(snapshot, races, template.RowsPerPage);
        if (rows.Count == 0)
        {
            html.Raw("<p class=\"none\">Waiting for the first finisher…</p>");
            return;
        }

        html.Raw("<table class=\"huge\"><thead><tr>");
        foreach (var field in template.Fields)
        {
            html.Raw(field switch
            {
                "bib" => "<th class=\"w10\">Bib</th>",
                "name" => "<th>Runner</th>",
                "place" => "<th class=\"w16 r\">Place</th>",
                "time" => "<th class=\"w24 r\">Time</th>",
                "otherTime" => "<th class=\"w16 r\"></th>",
                "race" => "<th class=\"w14\">Race</th>",
                "division" => "<th class=\"w20\">Division</th>",
                _ => "<th class=\"w20\">From</th>",
            });
        }

        html.Raw("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Raw("<tr>");
            Cells(html, snapshot, template.Fields, snapshot.Meet.FindRace(row.RaceId), row, PhonePages.Ordinal(row.Place), board: false);
            html.Raw("</tr>");
        }

        html.Raw("</tbody></table>");
    }

    /// <summary>
    /// A results row's cells in the template's order. The name cell carries, small, what has no column of its own:
    /// the race and division place on the finish feed, the bib and hometown on a board.
    /// </summary>
    private static void Cells(Html html, ResultsSnapshot snapshot, IReadOnlyList<string> fields, Race? race, ResultRow row, string place, bool board)
    {
        foreach (var field in fields)
        {
            switch (field)
            {
                case "bib":
                    html.Add($"<td class=\"r\">{row.Bib}</td>");
                    break;
                case "name":
                    var small = board
                        ? $"{(fields.Contains("bib") ? "" : "#" + row.Bib + " ")}{(fields.Contains("hometown") ? "" : row.Participant.Hometown)}"
                        : $"{(fields.Contains("race") ? "" : RaceName(snapshot, row))}{(fields.Contains("division") ? "" : DivisionPlace(row))}";
                    html.Add($"<td>{row.Name} <span class=\"s\">{small.Trim()}</span></td>");
                    break;
                case "place":
                    html.Add($"<td class=\"r{(board ? " w7" : "")}\">{place}</td>");
                    break;
                case "time":
                    html.Add($"<td class=\"r w24\">{TimeLabel(race, first: true)}{ResultFormat.Time(First(race, row))}</td>");
                    break;
                case "otherTime":
                    html.Add($"<td class=\"r o w16\">{TimeLabel(race, first: false)}{ResultFormat.Time(Second(race, row))}</td>");
                    break;
                case "race":
                    html.Add($"<td class=\"w14\">{RaceName(snapshot, row)}</td>");
                    break;
                case "division":
                    html.Add($"<td class=\"w20\">{row.Division ?? ""}{(row.DivisionPlace is { } p ? " · " + PhonePages.Ordinal(p) : "")}</td>");
                    break;
                default:
                    html.Add($"<td class=\"w20\">{row.Participant.Hometown}</td>");
                    break;
            }
        }
    }

    /// <summary>
    /// Renders one page of the cycle and returns how many pages there are (the page number wraps around). A
    /// leaderboard shows the top rows of each race, gender and division; a slideshow pages through all of them.
    /// </summary>
    private static int Leaderboard(Html html, ResultsSnapshot snapshot, DisplayTemplate template, string title, List<RaceResults> races, ref int number)
    {
        var rows = template.RowsPerPage;
        var divisionRows = template.BuiltIn ? DivisionRows : rows;
        var all = template.Layout == ScreenLayout.Slideshow;
        var fields = template.BuiltIn ? BoardFields : template.Fields;
        var pages = new List<Action<Html>>();
        foreach (var results in races)
        {
            var view = RaceView.Of(results);
            var race = results.Race;
            void Add(string name, IReadOnlyList<ResultRow> finishers, Func<ResultRow, int?> place)
            {
                var count = all ? Math.Max(1, (finishers.Count + rows - 1) / rows) : 1;
                for (var i = 0; i < count; i++)
                {
                    var from = i * rows;
                    var heading = count > 1 ? $"{name} · {from + 1}–{Math.Min(from + rows, finishers.Count)}" : name;
                    pages.Add(h => Board(h, snapshot, heading, race, fields, finishers.Skip(from).Take(rows), place));
                }
            }

            Add($"{race.Name} · overall", results.Finishers, r => r.Place);
            foreach (var gender in view.Genders)
            {
                var finishers = view.ByGender[gender].Finishers;
                if (finishers.Count > 0)
                {
                    Add($"{race.Name} · {PhonePages.GenderName(gender)}", finishers, r => r.GenderPlace);
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
                        Board(h, snapshot, $"{race.Name} · {division}", race, fields, view.ByDivision[division].Finishers.Take(divisionRows), r => r.DivisionPlace);
                    }
                });
            }
        }

        html.Add($"<h1>{title}</h1>");
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

    /// <summary>A board's columns as meet.json's leaderboards show them: place, runner (bib and hometown small), the two times.</summary>
    private static readonly string[] BoardFields = ["place", "name", "time", "otherTime"];

    private static void Board(Html html, ResultsSnapshot snapshot, string title, Race race, IReadOnlyList<string> fields, IEnumerable<ResultRow> rows, Func<ResultRow, int?> place)
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

            html.Raw("<tr>");
            Cells(html, snapshot, fields, race, row, place(row)?.ToString(CultureInfo.InvariantCulture) ?? "", board: true);
            html.Raw("</tr>");
        }

        html.Raw(any ? "</tbody></table>" : "<p class=\"none\">No finishers yet.</p>");
    }

    /// <summary>
    /// The list a sweep works from: everyone started and not finished, where and when each was last seen and when
    /// they are due at the finish, soonest first (runners seen only at the start after, longest unseen first).
    /// </summary>
    private static int OnCourse(Html html, ResultsSnapshot snapshot, DisplayTemplate template, string title, List<RaceResults> races, Race? filtered, ref int number)
    {
        var perPage = template.BuiltIn ? OnCourseRows : template.RowsPerPage;
        html.Add($"<h1>On course{(filtered is null ? "" : " · " + filtered.Name)}");
        if (title != "On course" && filtered is null)
        {
            html.Add($" <span class=\"s\">{title}</span>");
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
        var still = races.Count == 1
            ? Announcer.StillOut(races[0])
            : races.SelectMany(Announcer.StillOut)
                .OrderBy(s => s.Due is null)
                .ThenBy(s => s.Due?.ExpectedFinishMs ?? s.Row.LastSeenMs ?? long.MaxValue)
                .ThenBy(s => s.Row.Bib, ResultsEngine.BibOrder)
                .ToList();
        if (still.Count == 0)
        {
            html.Raw("<p class=\"none\">Nobody is out on the course.</p>");
            return 1;
        }

        var pages = (still.Count + perPage - 1) / perPage;
        number = (number - 1) % pages + 1;
        html.Raw("<table class=\"out\"><thead><tr><th class=\"w10\">Bib</th><th>Runner</th><th class=\"w24\">Last seen</th><th class=\"w20 r\">Expected finish</th></tr></thead><tbody>");
        for (var i = (number - 1) * perPage; i < Math.Min(still.Count, number * perPage); i++)
        {
            var (row, due) = still[i];
            var race = races.Count == 1 ? races[0].Race : races.First(r => r.Race.Id == row.RaceId).Race;
            html.Add($"<tr><td class=\"r\">{row.Bib}</td><td>{row.Name}{(races.Count > 1 ? " " : "")}<span class=\"s\">{(races.Count > 1 ? race.Name : "")}</span></td>");
            html.Add($"<td>{PointName(race, row.LastLocation)} <span class=\"s\">{(row.LastSeenMs is { } seen ? PhonePages.Clock(seen, snapshot.Meet) : "")}</span></td>");
            html.Add($"<td class=\"r\">{(due is null ? "–" : "~" + PhonePages.Clock(due.ExpectedFinishMs, snapshot.Meet))}</td></tr>");
        }

        html.Raw("</tbody></table>");
        html.Add($"<p class=\"lbl\">{number} / {pages} · {still.Count:N0} on course</p>");
        return pages;
    }

    /// <summary>
    /// Who is coming in and who just finished, under a clock. A whole page stamps the clock with the box's time
    /// (<c>data-at</c>); a fragment, shared by every announcer screen, leaves that to the answer's <c>X-Now</c>.
    /// </summary>
    private static void AnnouncerBoard(Html html, ResultsSnapshot snapshot, string title, List<RaceResults> races, DateTimeOffset now, bool stamp)
    {
        var meet = snapshot.Meet;
        ClockHeading(html, meet, title, now, stamp);
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
            html.Add($"<td class=\"r w30\">{PhonePages.Ordinal(row.Place)}<span class=\"k\">Place{(races.Count > 1 ? " " + RaceName(snapshot, row) : "")}{DivisionPlace(row)}</span></td>");
            html.Add($"<td class=\"r w14\">{ResultFormat.Time(First(race, row), hundredths: false)}{TimeLabel(race, first: true)}</td>");
            html.Add($"<td class=\"r w14\">{ResultFormat.Time(Second(race, row), hundredths: false)}{TimeLabel(race, first: false)}</td></tr>");
        }

        html.Raw("</tbody></table></section>");
    }

    /// <summary>The announcer screens' heading: the title and a large clock ticking on the box's time in the meet's zone.</summary>
    private static void ClockHeading(Html html, Meet.Meet meet, string title, DateTimeOffset now, bool stamp)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var offsetMs = (long)meet.Event.TimeZone.GetUtcOffset(now).TotalMilliseconds;
        var at = stamp ? $" data-at=\"{nowMs.ToString(CultureInfo.InvariantCulture)}\"" : "";
        html.Add($"<div class=\"top\"><h1>{title}</h1><div class=\"clock\"><span class=\"k\">Time</span><span id=\"clock\"{new Markup(at)} data-offset=\"{offsetMs.ToString(CultureInfo.InvariantCulture)}\">{PhonePages.Clock(nowMs, meet)}</span></div></div>");
    }

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

/// <summary>
/// What a screen is made from: the races' results snapshot and the orienteering results shown. A render depends on
/// the one its template shows (<see cref="DependencyOf"/>), so an orienteering screen is not made again for every
/// read and a race screen not for every export; a split showing both keys its render by the orienteering version too.
/// </summary>
public sealed record ScreenSources(ResultsSnapshot Results, OrienteeringState Orienteering)
{
    public object DependencyOf(DisplayTemplate template, ScreenSet set) =>
        Uses(template, set) == (false, true) ? Orienteering : Results;

    /// <summary>What a cache key adds for a template that shows both.</summary>
    public string KeyOf(DisplayTemplate template, ScreenSet set) =>
        Uses(template, set) == (true, true) ? "|o" + Orienteering.Version.ToString(CultureInfo.InvariantCulture) : "";

    private static (bool Races, bool Orienteering) Uses(DisplayTemplate template, ScreenSet set)
    {
        if (template.Layout != ScreenLayout.Split)
        {
            return (!template.ShowsOrienteering, template.ShowsOrienteering);
        }

        var parts = template.Parts.Select(p => set.Templates.GetValueOrDefault(p)).OfType<DisplayTemplate>().ToList();
        return (parts.Count == 0 || parts.Any(p => !p.ShowsOrienteering), parts.Any(p => p.ShowsOrienteering));
    }
}
